; Attack: push an interrupt frame into the real GDT. The kernel points ESP just above the VMM
; region's GDT page (0xFFF10000) and raises `int 0x30`; a VMM that built the frame with its own
; authority would write 12 bytes of guest-chosen values into the GDT the CPU really uses.
; Stopped by: the VMM pushes frames only through GuestRam, which covers guest RAM and nothing
; else; the push fails and the VM ends with a memory fault, the GDT untouched. All modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        attack_kernel
        set_gate 0x30, handler, 0x8E
        mov esp, 0xFFF10000
        int 0x30
        escaped "the VMM pushed a frame above the real GDT and the handler ran"
handler:
        escaped "the handler ran on a stack inside the VMM region"
        attack_data
