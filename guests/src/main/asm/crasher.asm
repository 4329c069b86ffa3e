; crasher: a guest that triple-faults on request: what happens when exception delivery fails.
;
; The kernel waits for input on COM1 (IRQ4). When a 't' arrives it loads an IDT whose limit is
; 0, so no gate fits in it, and divides by zero. The CPU tries to deliver #DE (vector 0): the
; gate lies beyond the IDT's limit, which is a #GP; delivering the #GP fails the same way, which
; makes a double fault (#DF, vector 8); and when the #DF cannot be delivered either, the CPU
; gives up: a triple fault, which on a PC resets the machine (SDM Vol. 3, 6.15, "Interrupt 8").
; The VMM reports it as the end of the VM, and the host is unharmed.
;
; Expected output:
;   crasher: type t to triple-fault
; and after a 't' is typed:
;   crasher: loading an empty IDT and dividing by zero
; Exit: fault, a triple fault (status 70).

bits 32
org 0x100000

%include "abi.inc"
%include "kernel.inc"

start:
        load_kernel_segments
        set_gate 0x24, serial_interrupt, 0x8E   ; IRQ4
        lidt [idt_descriptor]
        remap_pic 0x0010

        mov dx, COM1 + 2
        mov al, 0x07            ; FCR: FIFOs on, both emptied
        out dx, al
        mov dx, COM1 + 1
        mov al, 0x01            ; IER: received-data interrupt
        out dx, al

        mov esi, banner
        call print
        sti
.idle:  hlt
        cmp byte [crash], 0
        je .idle

        cli
        mov esi, crashing
        call print
        lidt [empty_idt]
        xor ecx, ecx
        div ecx                 ; #DE, with nowhere to deliver it

serial_interrupt:
        push eax
        push edx
.next:  mov dx, COM1_LSR
        in al, dx
        test al, 0x01
        jz .done
        mov dx, COM1
        in al, dx
        cmp al, 't'
        jne .next
        mov byte [crash], 1
        jmp .next
.done:  mov al, 0x20
        out 0x20, al
        pop edx
        pop eax
        iretd

%include "serial.inc"

crash:     db 0
banner:    db "crasher: type t to triple-fault", 10, 0
crashing:  db "crasher: loading an empty IDT and dividing by zero", 10, 0
empty_idt: dw 0                 ; limit 0: not even one 8-byte gate fits
           dd 0

define_gdt
define_idt
