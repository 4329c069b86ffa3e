; Attack: a user task loads the kernel's DPL-0 data segment. Ring compression gives every guest
; segment DPL 3 in the real GDT, so without more care the load would succeed.
; Stopped by: the shadow GDT's privilege view hides the kernel's data segments from user tasks;
; the load faults and the VMM reflects #GP(0x10) into the guest kernel. All modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        attack_kernel
        set_gate 13, gp, 0x8E
        enter_user user
user:   mov ax, KERNEL_DS
        mov ds, ax
        escaped "a user task loaded the kernel's data segment"
gp:     cmp dword [esp], KERNEL_DS
        jne .code
        contained "loading the kernel's data segment raised #GP(0x10)"
.code:  escaped "#GP with the wrong error code"
        attack_data
