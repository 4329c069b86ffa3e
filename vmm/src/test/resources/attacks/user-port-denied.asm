; Attack: a user task (IOPL 0, TSS without an I/O bitmap) writes the debug-exit port, which
; would end the VM, and reads COM1. Unicorn's I/O hooks fire with no protection check at all.
; Stopped by: IoPermission checks IOPL and the TSS bitmap before any device sees the access;
; the write is dropped and #GP goes to the guest kernel (trap mode: at the end of the block;
; bt mode: exactly at the instruction). All modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        attack_kernel
        set_gate 13, gp_out, 0x8E
        enter_user user
user:   mov al, ATTACK_ESCAPED
        out DEBUG_EXIT_PORT, al
        jmp $
gp_out: set_gate 13, gp_in, 0x8E
        add esp, 4                          ; drop the error code
        mov dword [esp], user_in            ; resume the task at the IN
        iretd
user_in:
        mov eax, 0x12345678
        mov dx, COM1_LSR
        in al, dx
        cmp eax, 0x12345678
        jne .read
        jmp $
.read:  mov byte [read_changed], 1
        jmp $
gp_in:  cmp byte [read_changed], 0
        jne .changed
        contained "OUT and IN from a user task without I/O permission raised #GP; no device saw them"
.changed:
        escaped "a denied IN changed the task's EAX"
read_changed: db 0
        attack_data
