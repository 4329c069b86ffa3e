; Attack: an IDT whose limit reaches beyond RAM, then an interrupt whose gate would lie past
; the end of RAM.
; Stopped by: gates are read through GuestRam; the gate read beyond RAM ends the VM with a
; memory fault. All modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        mov [ram_size], ebx
        attack_kernel
        mov eax, [ram_size]
        sub eax, 0x100
        mov [far_idt + 2], eax
        lidt [far_idt]
        int 0x40                            ; gate at +0x200: past the end of RAM
        escaped "an interrupt used a gate beyond RAM"
far_idt: dw 0x7FF
        dd 0
ram_size: dd 0
        attack_data
