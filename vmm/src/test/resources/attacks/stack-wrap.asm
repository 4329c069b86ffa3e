; Attack: a stack that wraps at 4 GiB. ESP = 0, then an interrupt: the frame's dwords go to
; 0xFFFFFFFC and below, at the top of the address space, above the VMM region. (ESP = 2 would
; be a dword straddling the wrap, which the segment limit check refuses with #SS.)
; Stopped by: pushes wrap as the processor's do and then fail the GuestRam check (nothing is
; there); the VM ends with a memory fault. All modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        attack_kernel
        set_gate 0x30, handler, 0x8E
        mov esp, 0
        int 0x30
handler:
        escaped "a frame was pushed across the 4 GiB wrap"
        attack_data
