; Attack: make the VMM's LTR emulation write the busy bit into the VMM region. The kernel loads
; a GDT whose base puts the TSS descriptor of selector 0x28 inside the real GDT, then runs LTR.
; Stopped by: LTR reads and marks its descriptor through GuestRam; an address outside guest RAM
; ends the VM (memory fault) before anything is written. All modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        attack_kernel
        lgdt [evil_gdt]
        mov ax, 0x28
        ltr ax
        escaped "LTR accepted a descriptor in the VMM region"
evil_gdt:
        dw 0xFFFF
        dd 0xFFF00000 + 8 * 8189 - 0x28     ; 0x28 lands on the VMM's own TSS descriptor
        attack_data
