; Attack: REP OUTSB whose source runs off the end of RAM part way: eight bytes before the end,
; sixteen elements, so the VMM (bt mode) or the CPU (trap mode) would read eight bytes from
; whatever lies beyond guest RAM and hand them to a device.
; Stopped by: each element is read through GuestRam (bt) or by the CPU from a page that does not
; exist (trap); the first element beyond RAM ends the VM with a memory fault. bt and trap modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        mov [ram_size], ebx
        attack_kernel
        mov esi, [ram_size]
        sub esi, 8
        mov ecx, 16
        mov dx, 0x80                        ; an unclaimed port
        cld
        rep outsb
        escaped "OUTSB read past the end of RAM"
ram_size: dd 0
        attack_data
