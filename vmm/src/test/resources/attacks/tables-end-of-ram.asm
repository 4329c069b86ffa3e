; Attack: descriptor tables and the TSS that cross the end of RAM. The TSS the user task's
; interrupt needs straddles the last byte of RAM, so reading SS0:ESP0 would read past it.
; Stopped by: every table read goes through GuestRam, which checks each byte: a read beyond
; RAM ends the VM with a memory fault instead of reading VMM or host memory. All modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        mov [ram_size], ebx
        attack_kernel
        set_gate 0x80, syscall_gate, 0xEE
        mov eax, [ram_size]
        sub eax, 6                          ; the TSS's SS0:ESP0 (offset 4..11) crosses the end of RAM
        mov word [tss_descriptor + 2], ax
        shr eax, 16
        mov byte [tss_descriptor + 4], al
        mov byte [tss_descriptor + 7], ah
        enter_user user
user:   int 0x80
        escaped "the interrupt returned"
syscall_gate:
        escaped "a kernel stack was read from beyond the end of RAM"
ram_size: dd 0
        attack_data
