; Group (iv): the sensitive-but-unprivileged instructions (Robin and Irvine 2000). Natively at
; CPL 0 they read the real state the guest set up itself; under the VMM they would read the
; VMM's (shadow GDT, RPL 3, real IF) unless binary translation emulates them, so this group
; must match under bt only.
bits 32
org 0x100000
%include "abi.inc"
%include "check.inc"

start:
        ; What the guest sees at entry, before it sets anything up. Not self-checked (the ABI
        ; does not fix these values); stored in RAM, which the harness compares.
        sgdt [entry_gdtr]
        sidt [entry_idtr]
        smsw [entry_msw]
        mov [entry_cs], cs
        mov [entry_ss], ss
        pushfd
        pop dword [entry_flags]

        lgdt [gdt_descriptor]
        jmp 0x08:.reload
.reload:
        mov ax, 0x10
        mov ds, ax
        mov es, ax
        mov fs, ax
        mov gs, ax
        mov ss, ax
        lidt [idt_descriptor]

        sgdt [stored]
        movzx eax, word [stored]
        expect "sgdt limit", gdt_end - gdt - 1
        mov eax, [stored + 2]
        expect "sgdt base", gdt
        sidt [stored]
        movzx eax, word [stored]
        expect "sidt limit", 256 * 8 - 1
        mov eax, [stored + 2]
        expect "sidt base", idt

        smsw eax                        ; into a 32-bit register the high half is undefined
        and eax, 0xFFFF                 ; (SDM); Unicorn leaves junk there (0x0010 here)
        expect "smsw r32", 0x11
        mov word [stored], 0xFFFF
        smsw [stored]
        movzx eax, word [stored]
        expect "smsw m16", 0x11

        ; TSS and LDT descriptors get their bases at run time.
        mov eax, tss
        mov [tss_descriptor + 2], ax
        shr eax, 16
        mov [tss_descriptor + 4], al
        mov [tss_descriptor + 7], ah
        mov eax, ldt
        mov [ldt_descriptor + 2], ax
        shr eax, 16
        mov [ldt_descriptor + 4], al
        mov [ldt_descriptor + 7], ah
        mov ax, 0x28
        ltr ax
        mov eax, 0xFFFFFFFF
        str eax
        expect "str r32", 0x28
        mov word [stored], 0xFFFF
        str [stored]
        movzx eax, word [stored]
        expect "str m16", 0x28
        mov ax, 0x30
        lldt ax
        mov eax, 0xFFFFFFFF
        sldt eax
        expect "sldt r32", 0x30
        mov eax, [tss_descriptor + 4]
        and eax, 0x0F00
        expect "ltr marked the TSS busy", 0x0B00

        mov eax, 0xFFFFFFFF
        mov eax, cs
        expect "mov eax, cs", 0x08
        mov eax, 0xFFFFFFFF
        mov ax, ss
        expect "mov ax, ss", 0xFFFF0010
        push cs
        pop eax
        expect "push cs", 0x08
        push ss
        pop eax
        expect "push ss", 0x10
        mov eax, ds
        expect "mov eax, ds", 0x10

        pushfd
        pop eax
        and eax, 0x3200
        expect "pushfd: IF 0, IOPL 0", 0
        push dword 0x202
        popfd
        pushfd
        pop eax
        and eax, 0x200
        expect "popfd sets IF", 0x200
        push dword 0x002
        popfd
        pushfd
        pop eax
        and eax, 0x200
        expect "popfd clears IF", 0
        push dword 0x3002
        popfd
        pushfd
        pop eax
        and eax, 0x3000
        expect "popfd sets IOPL at CPL 0", 0x3000
        push dword 0x002
        popfd
        pushf                           ; 16-bit form
        pop ax
        movzx eax, ax
        and eax, 0x3200
        expect "pushf (16-bit)", 0

        mov ecx, 0x08
        mov eax, 0
        lar eax, ecx
        expect_flags "lar kernel code ok", ZF, ZF
        expect "lar kernel code", 0x00C09B00
        mov ecx, 0x1B
        lar eax, ecx
        expect "lar user code", 0x00C0FB00
        mov ecx, 0x28
        lar eax, ecx
        expect "lar busy tss", 0x00008B00
        mov ecx, 0x04                   ; LDT entry 0
        lar eax, ecx
        expect_flags "lar ldt entry ok", ZF, ZF
        expect "lar ldt entry", 0x00409300
        mov ecx, 0x08
        lsl eax, ecx
        expect "lsl kernel code", 0xFFFFFFFF
        mov ecx, 0x28
        lsl eax, ecx
        expect "lsl tss", 103
        mov ecx, 0x0C                   ; LDT entry 1, byte granular
        lsl eax, ecx
        expect "lsl ldt entry", 0x1234
        mov ecx, 0x500                  ; beyond the GDT limit
        mov eax, 0x77
        lar eax, ecx
        expect_flags "lar beyond limit fails", ZF, 0
        expect "lar beyond limit leaves eax", 0x77
        mov ecx, 0x08
        verr cx
        expect_flags "verr code", ZF, ZF
        verw cx
        expect_flags "verw code", ZF, 0
        mov ecx, 0x10
        verw cx
        expect_flags "verw data", ZF, ZF
        mov ecx, 0x30                   ; the LDT descriptor is a system segment
        verr cx
        expect_flags "verr ldt descriptor", ZF, 0

        finish

%include "serial.inc"

[section .data]
align 8
gdt:    dq 0
        dq 0x00CF9B000000FFFF   ; 0x08 kernel code, accessed
        dq 0x00CF93000000FFFF   ; 0x10 kernel data, accessed
        dq 0x00CFFB000000FFFF   ; 0x18 user code
        dq 0x00CFF3000000FFFF   ; 0x20 user data
tss_descriptor:
        dq 0x0000890000000067   ; 0x28 32-bit TSS, limit 103, base set at run time
ldt_descriptor:
        dq 0x000082000000000F   ; 0x30 LDT, two entries, base set at run time
gdt_end:
gdt_descriptor:
        dw gdt_end - gdt - 1
        dd gdt
align 8
ldt:    dq 0x004093000000FFFF   ; 0x04: data, byte granular, limit 0xFFFF
        dq 0x0000930000001234   ; 0x0C: data, 16-bit, limit 0x1234
align 8
idt:    times 256 dq 0
idt_descriptor:
        dw 256 * 8 - 1
        dd idt
align 4
tss:    times 104 db 0
stored: times 8 db 0
entry_gdtr:  times 8 db 0
entry_idtr:  times 8 db 0
entry_msw:   dd 0
entry_cs:    dd 0
entry_ss:    dd 0
entry_flags: dd 0
