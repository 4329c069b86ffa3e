; redpill.asm (reference solution): the CPL in CS's low bits. hvlab runs the guest kernel at
; real CPL 3 (ring compression) and MOV from CS is not privileged, so the kernel sees 3 where it
; expects 0. Binary translation hides this one too (it rewrites MOV from CS); trap mode cannot.
bits 32
org 0x100000
%include "abi.inc"

start:
        mov ax, cs
        and ax, 3
        jnz .hypervisor
        mov esi, bare
        call print
        debug_exit 0
.hypervisor:
        mov esi, hypervisor
        call print
        debug_exit 0

%include "serial.inc"
bare:       db "bare metal", 10, 0
hypervisor: db "hypervisor", 10, 0
