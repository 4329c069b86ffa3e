; hog: writes every byte of its RAM above its image, over and over, and never ends.
bits 32
org 0x100000
%include "abi.inc"
start:  mov edx, ebx             ; EBX = RAM size
.again: mov edi, 0x200000
        mov al, 0xAB
.fill:  mov [edi], al
        inc edi
        cmp edi, edx
        jb .fill
        jmp .again
