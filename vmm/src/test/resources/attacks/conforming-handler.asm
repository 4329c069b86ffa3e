; Attack (found by the fuzzer): a user task's INT n through a DPL-3 gate whose handler lies in a
; conforming code segment of DPL 0. A real CPU runs a conforming handler at the caller's
; privilege level, on the caller's stack (SDM 6.12.1); the VMM entered it at the segment's DPL,
; handing a user task kernel privilege (virtually), and the shadow hid the segment from the
; task, so the real CS load failed besides.
; Stopped by: delivery keeps the CPL for a conforming handler, and the shadow shows conforming
; code to every level at or above its DPL. The handler runs at CPL 3: its CLI raises #GP. All modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        attack_kernel
        mov esi, gdt
        mov edi, conf_gdt
        mov ecx, 0x30 / 4
        cld
        rep movsd
        mov dword [conf_gdt + 0x30], 0x0000FFFF     ; flat, DPL 0, conforming readable code (access 0x9E)
        mov dword [conf_gdt + 0x34], 0x00CF9E00
        lgdt [conf_gdt_descriptor]
        set_gate 13, gp, 0x8E
        set_gate 0x40, handler, 0xEE
        mov word [idt + 0x40 * 8 + 2], 0x30 | 3
        enter_user user
user:   int 0x40
        escaped "int 0x40 returned"
handler:
        cmp esp, user_stack_top - 12                ; EIP, CS, EFLAGS on the task's own stack
        jne .wrong_stack
        cli                                         ; CPL 3, IOPL 0: must raise #GP
        escaped "the conforming handler ran with kernel privilege (CLI worked)"
.wrong_stack:
        escaped "the conforming handler switched to the kernel stack"
gp:     contained "a conforming handler ran at the caller's CPL 3, on its stack"
align 8
conf_gdt: times 0x38 db 0
conf_gdt_descriptor:
        dw 0x37
        dd conf_gdt
        attack_data
