; Attack: nested exceptions with the stack in the VMM region. The kernel's TSS names a ring-0
; stack inside the real GDT; a user task faults, so the VMM must push the frame there; the
; kernel also faults with its own ESP pointing into the VMM's TSS.
; Stopped by: every push goes through GuestRam: the first push outside guest RAM ends the VM
; with a memory fault (no double fault path writes either). All modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        attack_kernel
        set_gate 13, gp, 0x8E
        set_gate 6, gp, 0x8E
        set_gate 8, gp, 0x8E
        mov dword [tss + 4], 0xFFF00000 + 0x100    ; ESP0 in the real GDT
        enter_user user
user:   ud2
gp:     escaped "a handler ran on a stack in the VMM region"
        attack_data
