; Attack: call gates and task gates of the guest's own making. A DPL-3 call gate in the
; guest's GDT to kernel code would let a user task call ring 0 on hardware; a task gate in the
; IDT would switch tasks through a TSS.
; Stopped by: the shadow GDT never makes system descriptors present (the real CPU uses none of
; the guest's), so the call faults (#NP) into the guest kernel; task gates are not emulated and
; end the VM plainly (NotEmulated). The real CPL never changes. All modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        attack_kernel
        mov esi, gdt                        ; a copy of our GDT with one more entry
        mov edi, gates_gdt
        mov ecx, 0x30 / 4
        cld
        rep movsd
        mov eax, kernel_side                ; call gate at 0x30: DPL 3, to KERNEL_CS:kernel_side
        mov word [gates_gdt + 0x30], ax
        mov word [gates_gdt + 0x32], KERNEL_CS
        mov word [gates_gdt + 0x34], 0xEC00
        shr eax, 16
        mov word [gates_gdt + 0x36], ax
        lgdt [gates_gdt_descriptor]
        set_gate 11, np, 0x8E
        set_gate 13, np, 0x8E
        enter_user user
user:   call 0x33:0
        escaped "the call gate returned to the user task"
kernel_side:
        escaped "a user task reached the kernel through a call gate"
np:     kernel_data
        mov word [idt + 0x50 * 8 + 2], TSS_SEL   ; a task gate at 0x50
        mov word [idt + 0x50 * 8 + 4], 0x8500
        int 0x50                            ; ends the VM: task switches are not emulated
        escaped "a task gate was used"
align 8
gates_gdt: times 0x38 db 0
gates_gdt_descriptor:
        dw 0x37
        dd gates_gdt
        attack_data
