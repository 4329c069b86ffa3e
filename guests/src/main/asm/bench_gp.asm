; bench_gp: a #GP over and over, on a bare CPU (B03_PrivilegedTrap's floor in benchmarks/).
;
; Teaches what a fault costs before the VMM does anything. This guest runs at ring 0 on a bare
; emulator with no GDT, where every MOV DS raises a general protection fault (the selector lies
; beyond the GDT's limit). The emulator leaves the translated code (a longjmp), calls the
; interrupt hook (a Java upcall), and the hook does only what resuming needs: EIP past the
; 2-byte MOV, and the "exception in flight" latch cleared (Unicorn bug #1883). That is the floor
; under every privileged-instruction trap: what the VMM adds on top (decode, emulate, check) is
; the difference between this and bench_cli under the VMM.
;
; Not a guest for the VMM (at CPL 3 under the VMM, with no IDT of its own, it would just fault).
;
; The header below is read by the benchmark: it patches the iteration count; each iteration
; executes 16 faulting MOVs (unrolled, so the loop's own DEC and JNZ hardly count).
;
; Expected: no output. Exit: halt (on the bare CPU), after 400,000 faults.

bits 32
org 0x100000

%include "abi.inc"

        jmp short start
        align 4
        db "BNCH"               ; magic: a benchmark guest header follows
iterations:
        dd 25000                ; the benchmark patches this
per_iteration:
        dd 16                   ; faults per iteration of .loop

start:
        mov ecx, [iterations]
        mov ax, 0x28            ; GDT index 5: beyond the limit of a GDT that is not there
.loop:
%rep 16
        mov ds, ax              ; #GP(0x28); the hook resumes 2 bytes on
%endrep
        dec ecx
        jnz .loop

        hlt                     ; ring 0 on a bare CPU: the emulator just stops
