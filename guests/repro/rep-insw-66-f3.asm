; rep insw encoded 66 f3 6d (operand size before REP, as GNU as emits it): one word, two bytes.
bits 32
org 0x100000
%include "abi.inc"
        mov dx, 0x300            ; no device: reads as all ones
        mov edi, buf
        mov ecx, 1
        cld
        db 0x66, 0xf3, 0x6d      ; rep insw
        cmp dword [buf], 0x0000ffff
        jne .bad
        mov esi, ok
        call print
        debug_exit 0
.bad:   mov esi, bad
        call print
        debug_exit 1
%include "serial.inc"
ok:  db "rep insw wrote 2 bytes", 10, 0
bad: db "BUG: rep insw (66 f3 6d) wrote 4 bytes", 10, 0
align 4
buf: dd 0
