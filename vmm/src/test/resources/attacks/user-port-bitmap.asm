; Attack: a user task with a TSS I/O bitmap that grants exactly one port (COM1's THR, 0x3F8)
; uses that port, then the debug-exit port. The first must work, the second must not.
; Stopped by: IoPermission reads the bitmap from the guest's own TSS (SDM Vol. 1, 19.5.2). All modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        attack_kernel
        install_tss 104 + 8192
        mov word [tss + 0x66], io_bitmap - tss
        and byte [io_bitmap + (COM1 >> 3)], ~(1 << (COM1 & 7))
        set_gate 13, gp, 0x8E
        enter_user user
user:   mov dx, COM1
        mov al, 'X'
        out dx, al                          ; granted by the bitmap
        mov al, 10
        out dx, al
        mov al, ATTACK_ESCAPED
        out DEBUG_EXIT_PORT, al             ; not granted
        jmp $
gp:     contained "the bitmap's one port worked and the debug-exit port raised #GP"
        attack_data
