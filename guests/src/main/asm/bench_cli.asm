; bench_cli: CLI and STI, over and over (B03_PrivilegedTrap in benchmarks/).
;
; Teaches the cost of trap-and-emulate for a privileged instruction. The guest kernel believes
; it runs at ring 0, where CLI and STI clear and set the interrupt flag. It really runs at ring 3
; with IOPL 0, where both raise a general protection fault (#GP). The VMM catches the fault,
; reads the instruction bytes at EIP and decodes them with Capstone, clears or sets the
; *virtual* IF, moves EIP past the instruction and resumes the guest. It also has to work
; around Unicorn bug #1883 (the emulator would report the third #GP in a row as a triple
; fault), which costs a CPU context save and restore per fault. Every step is far dearer than
; an OUT, which needs no decoding: the benchmark shows by how much.
;
; A real kernel does this constantly: every spinlock taken with interrupts disabled is a
; CLI/STI pair. That is why paravirtual kernels (Xen's) replace them with a flag in memory.
;
; The header below is read by the benchmark: it patches the iteration count; each iteration
; executes 8 CLI/STI pairs, 16 traps (unrolled, so the loop's own DEC and JNZ hardly count).
;
; Expected: no output. Exit: halt (status 0), after 400,000 trapped CLI/STI.

bits 32
org 0x100000

%include "abi.inc"

        jmp short start
        align 4
        db "BNCH"               ; magic: a benchmark guest header follows
iterations:
        dd 25000                ; the benchmark patches this
per_iteration:
        dd 16                   ; privileged instructions (traps) per iteration of .loop

start:
        mov ecx, [iterations]
.loop:
%rep 8
        cli
        sti
%endrep
        dec ecx
        jnz .loop

        cli
        hlt                     ; IF = 0: the VMM ends the VM (a bare CPU at ring 0 just stops)
