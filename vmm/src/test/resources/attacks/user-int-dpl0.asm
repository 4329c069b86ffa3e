; Attack: a user task's `int 0x40` through a gate of DPL 0. A real CPU raises #GP with error
; code 0x40 * 8 + 2 (IDT bit set); a VMM that escalated this to a triple fault would let any
; user program shut its guest down.
; Stopped by: delivery checks the gate's DPL for software interrupts and delivers the #GP in
; its place (SDM 6.12.1.1), into the kernel's #GP handler. All modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        attack_kernel
        set_gate 13, gp, 0x8E
        set_gate 0x40, kernel_only, 0x8E
        enter_user user
user:   int 0x40
        escaped "int 0x40 returned to the user task"
kernel_only:
        escaped "a user task entered a DPL-0 gate"
gp:     cmp dword [esp], 0x40 * 8 + 2
        jne .code
        contained "int through a DPL-0 gate raised #GP(0x202) in the kernel"
.code:  escaped "#GP with the wrong error code"
        attack_data
