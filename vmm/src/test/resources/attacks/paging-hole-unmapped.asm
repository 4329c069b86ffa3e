; Attack: read the VMM's region without mapping it. Real paging maps it in every shadow (the real
; CPU needs its GDT), so a guest might hope to read it where its own tables map nothing.
; Stopped by: it is mapped for the real CPU's ring 0 only; the guest's access faults, and since
; the guest's tables map nothing there, the guest gets its own #PF (error code 0, not present). All modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
%include "paging.inc"
        attack_kernel
        paging_on
        set_gate 14, page_fault, 0x8E
        mov eax, [0xFFF00000]
        escaped "read the VMM's region through no mapping of its own"
page_fault:
        cmp dword [esp], 0
        jne .wrong
        mov eax, cr2
        cmp eax, 0xFFF00000
        jne .wrong
        contained "#PF, not present, at the VMM's region"
.wrong: escaped "#PF with the wrong error code or CR2"
        attack_data
