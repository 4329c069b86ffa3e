; tripler: loads an IDT of limit 0 and divides by zero: delivery fails, then #DF fails too: a
; triple fault, which ends this VM (crashed) and no other.
bits 32
org 0x100000
%include "abi.inc"
start:  mov ecx, 200000
.wait:  dec ecx
        jnz .wait
        lidt [empty]
        xor ecx, ecx
        div ecx
        hlt
empty:  dw 0
        dd 0x1000
