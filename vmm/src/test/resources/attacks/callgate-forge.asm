; Attack (the JVM-killing one): step interrupt frames one byte at a time through the top of the
; real GDT to forge a call gate to the VMM's ring-0 code selector, then far call through it.
; Before the fix, the frames landed in the GDT, the call found a gate to ring 0 and Unicorn,
; looking for a ring-0 stack in a TSS that was never loaded, called abort(): the JVM died.
; Stopped by: no frame reaches the GDT (GuestRam), so the first push ends the VM; and even a
; forged gate would find the VMM's real TSS, whose null SS0 makes the transfer fail with #TS.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        attack_kernel
        set_gate 0x31, step, 0x8E
        mov ebx, 0xFFF0FFFC
again:  mov esp, ebx
        int 0x31
step:   dec ebx
        cmp ebx, 0xFFF0FFE0
        jne again
        call 0x0008:0                       ; through the forged gate (selector 0x0008 aimed at by the frames)
        escaped "the forged call gate was used"
        attack_data
