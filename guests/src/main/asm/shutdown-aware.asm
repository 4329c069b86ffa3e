; shutdown-aware: a guest that shuts down cleanly when its power button is pressed.
;
; Pressing a PC's power button does not cut the power: it raises an interrupt (ACPI's SCI), and
; the operating system decides to shut down, saves what it must, and then asks the hardware to
; turn itself off. hvlab's power button works the same way, on two ports (see abi.inc):
; POWER_CONTROL bit 0 asks for IRQ9 when the button is pressed, POWER_STATUS bit 0 says it was
; (write 1 to acknowledge), and writing bit 7 of POWER_CONTROL turns the machine off. IRQ9 comes
; through the slave 8259A, so its handler sends EOI to both chips, the slave first.
;
; Expected output:
;   running
; and after the power button is pressed:
;   power button: cleaning up
;   goodbye
; Exit: power off (status 0).

bits 32
org 0x100000

%include "abi.inc"
%include "kernel.inc"

start:
        load_kernel_segments
        set_gate 0x29, power_button_interrupt, 0x8E     ; IRQ9: slave IR1, vector 0x28 + 1
        lidt [idt_descriptor]
        remap_pic 0x0204        ; IRQ9, and IRQ2 where the slave is cascaded into the master

        mov dx, POWER_CONTROL
        mov al, 0x01            ; interrupt me when the button is pressed
        out dx, al

        mov esi, running
        call print
        sti
.idle:  hlt
        cmp byte [pressed], 0
        je .idle

        cli
        mov esi, cleaning_up
        call print
        mov esi, goodbye
        call print
        mov dx, POWER_CONTROL
        mov al, 0x80            ; power off
        out dx, al
        hlt                     ; not reached: the machine is off

power_button_interrupt:
        push eax
        push edx
        mov dx, POWER_STATUS
        mov al, 0x01            ; acknowledge the press, so IRQ9 drops
        out dx, al
        mov byte [pressed], 1
        mov al, 0x20            ; EOI: slave, then master
        out 0xA0, al
        out 0x20, al
        pop edx
        pop eax
        iretd

%include "serial.inc"

pressed:     db 0
running:     db "running", 10, 0
cleaning_up: db "power button: cleaning up", 10, 0
goodbye:     db "goodbye", 10, 0

define_gdt
define_idt
