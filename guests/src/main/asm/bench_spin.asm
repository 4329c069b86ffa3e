; bench_spin: a guest that computes for ever and shows how much it has done (B07_ManyVms and
; B08_SliceSwitch in benchmarks/).
;
; Teaches how to measure a guest's speed without touching the VMM: let the guest count its own
; work. It runs the ALU loop of bench_alu in chunks; after each chunk it adds one to a counter
; in its RAM and prints one '.' on COM1. The console is something a host shows anyway, so a
; benchmark that runs many of these VMs on one host reads each VM's console and knows the work
; done: each '.' is one chunk, iterations x 10 instructions (plus the 18 of the counting and
; printing, under 0.002% of the default chunk, which nobody counts). A benchmark that drives one
; VM itself reads the counter and ECX between slices instead: chunks x iterations + (iterations -
; ECX) iterations done, exact to the instruction, because a slice ends only at an instruction
; boundary and the counter and ECX change in the same translated block (no stop can fall between).
;
; The header below is read by the benchmark: it checks the magic, patches the iteration count
; (iterations per chunk) and finds the counter's address at offset 16.
;
; Expected output: one '.' per chunk, for ever, no newlines. Interrupts stay off; the guest never
; halts: only a stop from outside (pause, power off, the end of a benchmark) ends it.

bits 32
org 0x100000

%include "abi.inc"

        jmp short start
        align 4
        db "BNCH"               ; magic: a benchmark guest header follows
iterations:
        dd 100000               ; iterations of .loop per chunk; the benchmark patches this
per_iteration:
        dd 10                   ; guest instructions per iteration of .loop
        dd chunks               ; offset 16: where the chunks done are counted

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

        inc dword [chunks]      ; one more chunk done, and a fresh count,
        mov ecx, [iterations]   ; in one block: a slice never ends between the two
        push eax
        mov al, '.'
        call putc               ; (IN and OUT: two traps into the VMM per chunk)
        pop eax
        jmp .loop

%include "serial.inc"

section .bss align=4096         ; not in the image: zeroed RAM after it, in a page of its own
chunks: resd 1
