; Attack: a GDT whose limit (64 KiB) reaches far beyond the end of RAM, then segment loads and
; an exception that need descriptors from past the end.
; Stopped by: the shadow GDT copies entries beyond RAM as empty and the VMM reads descriptors
; through GuestRam; the loads fault, delivery finds no usable code segment and the VM ends (a
; triple fault, as on a real CPU with such a table), never reading memory that is not RAM. All modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        mov [ram_size], ebx
        attack_kernel
        set_gate 13, gp, 0x8E
        mov eax, [ram_size]
        sub eax, 0x18                       ; entries 0x08 and 0x10 still in RAM, the rest beyond
        mov [far_gdt + 2], eax
        lgdt [far_gdt]
        mov ax, 0x200
        mov ds, ax
        escaped "DS loaded a descriptor from beyond the end of RAM"
gp:     escaped "the #GP handler ran on a code segment read from beyond RAM"
far_gdt: dw 0xFFFF
        dd 0
ram_size: dd 0
        attack_data
