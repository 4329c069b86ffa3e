; Attack: one REP INSB of 4 G elements. In bt mode the VMM performs string I/O itself; before
; the fix one such instruction held the VMM 95 s past the VM's timeout.
; Stopped by: at most 4096 elements per exit, with EIP left on the instruction (as a real CPU
; does when interrupted in a REP), so slices and the deadline still apply: the VM ends at its
; timeout, or at the end of RAM if it gets there first, never long after its deadline. bt and trap modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        attack_kernel
        mov edi, 0x200000
        mov ecx, 0xFFFFFFFF
        mov dx, COM1_LSR
        cld
        rep insb
        escaped "4 G elements of INSB finished"
        attack_data
