; crunch: a deterministic workload for save/restore and preemption tests. No timer, no input:
; what it computes depends only on its code. It mixes what a VMM must carry across a stop:
; memory loads and stores, pushes and pops, x87 and SSE registers, privileged instructions
; (CLI/STI), port output. Every 4096 rounds it prints a line; after 65536 rounds it prints the
; final checksum and leaves through the debug-exit port with 0.
bits 32
org 0x100000
%include "abi.inc"

start:  finit
        fld1                        ; st0 = 1.0, kept growing below
        pxor xmm0, xmm0
        mov ebp, 0x12345678
        xor esi, esi
.round: mov ecx, 16
.inner: push ecx
        mov eax, ebp
        shl eax, 5
        xor eax, esi
        add eax, ecx
        mov edi, esi
        and edi, 0xFFFC
        add edi, table
        xor [edi], eax              ; memory the guest keeps changing
        add ebp, [edi]
        rol ebp, 3
        pop ecx
        dec ecx
        jnz .inner
        cli
        sti
        fadd st0, st0               ; x87 state changes every round
        fstp dword [scratch]
        fld1
        fadd dword [scratch]
        movd xmm1, ebp
        paddd xmm0, xmm1            ; SSE state too
        inc esi
        test esi, 4095
        jnz .next
        mov esi, esi
        push esi
        mov esi, label
        call print
        pop esi
        mov eax, ebp
        call print_hex
        mov al, 10
        call putc
.next:  cmp esi, 65536
        jb .round
        movd eax, xmm0
        xor eax, ebp
        mov [checksum], eax
        mov esi, done
        call print
        call print_hex
        mov al, 10
        call putc
        debug_exit 0

%include "serial.inc"
label:    db "round ", 0
done:     db "checksum ", 0
scratch:  dd 0
checksum: dd 0
align 4
table:    times 16384 db 0
