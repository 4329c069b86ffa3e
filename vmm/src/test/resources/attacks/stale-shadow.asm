; Attack (found by the fuzzer): change a GDT entry after LGDT, then use it through an interrupt
; gate. A real CPU reads the table at every load; the VMM's shadow GDT is a copy made at LGDT.
; Delivery checked the new descriptor in guest memory, then had the real CPU load CS from the
; stale shadow entry (still empty), which Unicorn refused: the exception escaped the VMM half
; way through a delivery (hv run died with a stack trace).
; Stopped by: before the VMM loads a real segment register it copies into the shadow the very
; descriptor it checked; the handler runs on the new code segment. All modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        attack_kernel
        mov esi, gdt                        ; our GDT with one more, empty, entry: 0x30
        mov edi, new_gdt
        mov ecx, 0x30 / 4
        cld
        rep movsd
        lgdt [new_gdt_descriptor]
        mov dword [new_gdt + 0x30], 0x0000FFFF      ; now a flat DPL-0 code segment at 0x30
        mov dword [new_gdt + 0x34], 0x00CF9A00
        set_gate 0x30, handler, 0x8E
        mov word [idt + 0x30 * 8 + 2], 0x30         ; the gate names the new segment
        int 0x30
        escaped "int 0x30 returned"
handler:
        contained "the handler ran on a code segment written after LGDT"
align 8
new_gdt: times 0x38 db 0
new_gdt_descriptor:
        dw 0x37
        dd new_gdt
        attack_data
