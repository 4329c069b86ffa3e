; pvcon.asm: print through the VMM with hypercalls, never through a port.
bits 32
org 0x100000
%include "abi.inc"

start:
        ; TODO: hypercall 0 (is a VMM there?), 1 (console_write), 11 (shutdown, status 0).
        mov esi, msg
        call print              ; COM1: a trap per byte. Replace this.
        debug_exit 0

%include "serial.inc"
msg:    db "hello through the VMM", 10, 0
