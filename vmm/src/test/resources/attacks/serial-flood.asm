; Attack: flood the serial console forever. Before the fix `hv run --json` kept every byte and
; died with an OutOfMemoryError at 5 GB.
; Stopped by: ConsoleLog keeps the last 256 KiB and counts the rest as dropped; the VM ends at
; its timeout. All modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        attack_kernel
        mov dx, COM1
        mov al, 'A'
.again: out dx, al
        jmp .again
        attack_data
