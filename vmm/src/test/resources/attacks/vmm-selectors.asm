; Attack: far jump, far call and IRET to the VMM's own ring-0 selectors (0xFFE8 TSS, 0xFFF0
; code, 0xFFF8 data) from the guest kernel, and loading them into a data segment register.
; Stopped by: those entries have DPL 0 in the real GDT while the guest always runs at real CPL 3,
; so the CPU refuses them (#GP, reflected to the guest); an emulated IRET treats them as beyond
; the guest's GDT. The guest sees four #GPs. All modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        attack_kernel
        set_gate 13, gp, 0x8E
        jmp 0xFFF0:target
target: escaped "a far jump reached the VMM's ring-0 code selector"
step2:  call 0xFFE8:0
        escaped "a far call through the VMM's TSS selector returned"
step3:  push 0x202
        push 0xFFF0
        push target
        iretd
step4:  mov ax, 0xFFF8
        mov ds, ax
        escaped "DS loaded the VMM's ring-0 data selector"
gp:     inc dword [faults]
        mov eax, [faults]
        mov eax, [resume + eax * 4 - 4]
        test eax, eax
        jz .done
        add esp, 4                          ; drop the error code
        mov [esp], eax
        iretd
.done:  contained "every transfer to a VMM selector raised #GP"
faults: dd 0
resume: dd step2, step3, step4, 0
        attack_data
