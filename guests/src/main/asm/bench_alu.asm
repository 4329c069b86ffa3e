; bench_alu: a tight ALU loop, the yardstick for guest speed (B01_GuestMips in benchmarks/).
;
; Teaches the first promise of trap-and-emulate (Popek and Goldberg's "efficiency" property):
; the great majority of guest instructions run directly on the CPU, and the VMM costs nothing
; until the guest does something privileged. This loop touches no port, no memory and no
; privileged state, so under the VMM it should run as fast as on a bare CPU at ring 0 with no
; VMM at all. The benchmark runs it both ways and reports guest instructions per second.
;
; The header below is read by the benchmark: it checks the magic, patches the iteration count
; and multiplies it by the instructions per iteration (10: eight ALU instructions, DEC, JNZ).
; The few instructions before and after the loop are not counted.
;
; Expected: no output. Exit: halt (status 0), after about a billion guest instructions.

bits 32
org 0x100000

%include "abi.inc"

        jmp short start
        align 4
        db "BNCH"               ; magic: a benchmark guest header follows
iterations:
        dd 100000000            ; the benchmark patches this
per_iteration:
        dd 10                   ; guest instructions per iteration of .loop

start:
        mov ecx, [iterations]
        xor eax, eax
        mov edx, 1
        mov esi, 2
        mov edi, 3
.loop:
        add eax, ecx            ; 1
        xor edx, eax            ; 2
        rol edx, 5              ; 3
        sub esi, edx            ; 4
        or edi, esi             ; 5
        add esi, 0x9E3779B9     ; 6
        xor eax, edi            ; 7
        not edx                 ; 8
        dec ecx                 ; 9
        jnz .loop               ; 10

        cli
        hlt                     ; IF = 0: the VMM ends the VM (a bare CPU at ring 0 just stops)
