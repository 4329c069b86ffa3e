; Attack: a user task far-jumps to the kernel's DPL-0 code selector, and IRETs to it with a
; forged frame. Ring compression gives the kernel's code segment DPL 3 in the real GDT.
; Stopped by: the privilege view hides the kernel's code segment from user tasks (#NP, which the
; VMM reports as the #GP the guest's hardware would raise); the emulated IRET checks the
; frame's CS against the guest's GDT at the task's CPL. All modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        attack_kernel
        set_gate 13, gp, 0x8E
        set_gate 11, gp, 0x8E
        enter_user user
user:   jmp KERNEL_CS:kernel_side
user2:  push 0x202
        push KERNEL_CS
        push kernel_side
        iretd
kernel_side:
        escaped "a user task reached kernel code"
gp:     kernel_data
        inc dword [faults]
        cmp dword [faults], 2
        je .done
        add esp, 4                          ; drop the error code
        mov dword [esp], user2
        iretd
.done:  contained "far jump and IRET from a user task to kernel code both faulted"
faults: dd 0
        attack_data
