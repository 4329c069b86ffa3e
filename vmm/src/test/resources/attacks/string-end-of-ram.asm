; Attack: string instructions that cross the end of RAM part way: REP INSB and REP OUTSB from
; four bytes before the end, sixteen elements long.
; Stopped by: each element is checked on its own; the first one beyond RAM ends the VM with a
; memory fault, the ones before it done (as on hardware, where ECX and EDI tell how far it got).
; bt and trap modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        mov [ram_size], ebx
        attack_kernel
        mov edi, [ram_size]
        sub edi, 4
        mov ecx, 16
        mov dx, COM1_LSR
        cld
        rep insb
        escaped "INSB ran past the end of RAM"
ram_size: dd 0
        attack_data
