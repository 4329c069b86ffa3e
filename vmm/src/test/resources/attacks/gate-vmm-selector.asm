; Attack: an interrupt gate whose code selector is the VMM's own (0xFFF0), in a 64 KiB guest
; GDT that holds a DPL-0 code descriptor of the guest's at that slot. The VMM checked the guest's
; descriptor and then had the real CPU load 0xFFF3, which names the VMM's ring-0 code: Unicorn
; refused, and the exception escaped the VMM half way through the delivery.
; Stopped by: the VMM's three entries lie beyond the guest's GDT whatever its limit says, for
; emulated loads (gates, IRET, LTR, LLDT) as for the real CPU; the gate raises #GP(0xFFF0 + EXT)
; into the guest kernel. All modes.
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
        mov dword [0x200000 + 0xFFF0], 0x0000FFFF      ; the guest's own DPL-0 code at 0xFFF0
        mov dword [0x200000 + 0xFFF4], 0x00CF9A00
        lgdt [big_gdt]
        set_gate 13, gp, 0x8E
        set_gate 0x30, handler, 0x8E
        mov word [idt + 0x30 * 8 + 2], 0xFFF0
        int 0x30
        escaped "int 0x30 returned"
handler:
        escaped "a handler ran on the VMM's code selector"
gp:     cmp dword [esp], 0xFFF0
        jne .code
        contained "a gate naming the VMM's code selector raised #GP(0xFFF0)"
.code:  escaped "#GP with the wrong error code"
big_gdt: dw 0xFFFF
        dd 0x200000
        attack_data
