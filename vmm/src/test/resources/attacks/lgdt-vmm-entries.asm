; Attack: LGDT of a table that is 64 KiB long, so that its last entries are where the VMM keeps
; its own; the guest puts a DPL-3 code descriptor at 0xFFF0 and jumps to 0xFFF3.
; Stopped by: the shadow copies only the guest's entries below the VMM's three, which stay the
; VMM's (DPL 0): the jump faults (#GP) into the guest kernel, and an emulated IRET to 0xFFF3
; treats the selector as beyond the guest's GDT. All modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        attack_kernel
        mov esi, gdt
        mov edi, 0x200000
        mov ecx, (gdt_end - gdt) / 4
        cld
        rep movsd
        mov dword [0x200000 + 0xFFF0], 0x0000FFFF      ; DPL-3 flat code at the VMM's code slot
        mov dword [0x200000 + 0xFFF4], 0x00CFFA00
        lgdt [big_gdt]
        set_gate 13, gp, 0x8E
        jmp 0xFFF3:target
target: escaped "a far jump used a guest descriptor in the VMM's GDT slot"
gp:     inc dword [faults]
        cmp dword [faults], 2
        je .done
        push 0x202
        push 0xFFF3
        push target
        iretd
.done:  contained "the VMM's GDT slots stayed the VMM's (jump and IRET faulted)"
faults: dd 0
big_gdt: dw 0xFFFF
        dd 0x200000
        attack_data
