; bench_out: OUT to an I/O port, over and over (B02_PortOutTrap in benchmarks/).
;
; Teaches the cost of the cheapest VM exit there is. Each OUT leaves the guest: the emulator
; calls the VMM's port hook (a Java upcall through the Foreign Function & Memory API), the VMM
; looks the port up on its I/O bus, and the guest resumes at the next instruction. Port 0x80 is
; the PC's POST-code port, which Linux also writes to as an I/O delay (outb_p); no device of
; ours claims it, so the VMM only counts the write. Nothing is decoded: the emulator already
; knows port, size and value. On real hardware with VT-x an I/O exit costs about a microsecond;
; here it is a function call. The benchmark compares it with a hook that does nothing at all.
;
; The header below is read by the benchmark: it patches the iteration count; each iteration
; makes 16 OUTs (unrolled, so the loop's own DEC and JNZ hardly count).
;
; Expected: no output. Exit: halt (status 0), after 4,000,000 OUTs to port 0x80.

bits 32
org 0x100000

%include "abi.inc"

POST_PORT equ 0x80

        jmp short start
        align 4
        db "BNCH"               ; magic: a benchmark guest header follows
iterations:
        dd 250000               ; the benchmark patches this
per_iteration:
        dd 16                   ; OUT instructions per iteration of .loop

start:
        mov ecx, [iterations]
        xor eax, eax
.loop:
%rep 16
        out POST_PORT, al
%endrep
        dec ecx
        jnz .loop

        cli
        hlt                     ; IF = 0: the VMM ends the VM (a bare CPU at ring 0 just stops)
