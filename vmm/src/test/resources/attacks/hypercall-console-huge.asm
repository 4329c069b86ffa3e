; Attack: CONSOLE_WRITE of all of RAM, again and again. The call checked that the buffer lies
; in guest RAM, then copied all of it into one Java array and sent it byte by byte: in a 1 GiB VM
; that is a 1 GiB allocation per call and seconds of work the VM's deadline could not interrupt.
; Stopped by: CONSOLE_WRITE writes at most a bounded piece per call and returns how much it
; wrote, as write(2) may; the guest's loop goes on, and the VM ends at its timeout. Paravirt mode.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        mov [ram_size], ebx
        attack_kernel
.again: mov eax, 1                          ; CONSOLE_WRITE
        xor ebx, ebx
        mov ecx, [ram_size]
        int HYPERCALL
        test eax, eax
        js .bad
        jmp .again
.bad:   escaped "CONSOLE_WRITE of RAM failed"
ram_size: dd 0
        attack_data
