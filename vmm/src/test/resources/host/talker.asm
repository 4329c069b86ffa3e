; talker: prints a numbered line, one after another, for ever (no timer: as fast as it can).
bits 32
org 0x100000
%include "abi.inc"
start:  xor ebx, ebx
.next:  mov esi, text
        call print
        mov eax, ebx
        call print_hex
        mov al, 10
        call putc
        inc ebx
        mov ecx, 20000
.wait:  dec ecx
        jnz .wait
        jmp .next
%include "serial.inc"
text:   db "line ", 0
