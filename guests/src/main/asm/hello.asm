; hello: the first guest. Teaches the guest ABI and deprivileging.
;
; It prints a greeting on COM1, then reads its own CS selector. The low two bits of CS are the
; current privilege level (CPL). The guest kernel believes it runs at ring 0, but the VMM runs it
; at ring 3, so it prints "CPL=3": reading CS is not privileged, so the truth leaks (one of Robin
; and Irvine's sensitive-but-unprivileged instructions). Then it halts with interrupts disabled,
; which the VMM emulates as the end of the VM.
;
; Expected output:
;   Hello from a deprivileged guest kernel!
;   CPL=3
; Exit: halt (status 0).

bits 32
org 0x100000

%include "abi.inc"

start:
        mov esi, greeting
        call print

        mov esi, cpl_label
        call print
        mov ax, cs
        and al, 3               ; RPL of CS = CPL
        add al, '0'
        call putc
        mov al, 10
        call putc

        cli
        hlt                     ; IF = 0: nothing can wake us, the VMM ends the VM

%include "serial.inc"

greeting:  db "Hello from a deprivileged guest kernel!", 10, 0
cpl_label: db "CPL=", 0
