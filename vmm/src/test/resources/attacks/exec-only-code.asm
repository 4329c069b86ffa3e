; Attack (found by the fuzzer): an interrupt gate whose code segment is execute-only (type 8, not
; readable), which a real CPU runs as well as any other. Unicorn checks the CS the VMM loads
; after an emulated delivery as it checks a data segment, refuses an execute-only segment, and
; the VMM's emulation failed half way (the VM ended with an emulator error).
; Stopped by: the shadow GDT makes every code segment readable (a documented small deviation),
; so the handler runs. All modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        attack_kernel
        mov esi, gdt
        mov edi, exec_gdt
        mov ecx, 0x30 / 4
        cld
        rep movsd
        mov dword [exec_gdt + 0x30], 0x0000FFFF     ; flat, DPL 0, execute-only code (access 0x98)
        mov dword [exec_gdt + 0x34], 0x00CF9800
        lgdt [exec_gdt_descriptor]
        set_gate 0x30, handler, 0x8E
        mov word [idt + 0x30 * 8 + 2], 0x30
        int 0x30
        escaped "int 0x30 returned"
handler:
        contained "an interrupt handler in an execute-only code segment ran"
align 8
exec_gdt: times 0x38 db 0
exec_gdt_descriptor:
        dw 0x37
        dd exec_gdt
        attack_data
