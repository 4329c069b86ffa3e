; spinner: a busy guest: it computes with interrupts enabled and is preempted by the VMM.
;
; The inner loop only increments a register and reads a flag in memory: no instruction in it
; traps, so the VMM never gets control from the guest itself. It gets control anyway, when the
; time slice it gave the CPU runs out: the VMM stops the CPU at an exact instruction boundary,
; lets the timer tick, and delivers IRQ0 into the guest's IDT, exactly as a hardware timer
; interrupts a real CPU. The handler counts ticks of the 100 Hz PIT; every 100 ticks (one second
; of virtual time) it raises a flag, and the loop prints how many iterations it managed since the
; last report. The numbers show how much guest work fits in a second and how the VMM slices it.
;
; Expected output, once a second of virtual time, for ever:
;   spinner: ticks 100 iterations M
;   spinner: ticks 200 iterations M
;   ...
; Exit: none; it runs until it is stopped.

bits 32
org 0x100000

%include "abi.inc"
%include "kernel.inc"

PIT_DIVISOR      equ 11932      ; 100 Hz
TICKS_PER_REPORT equ 100

start:
        load_kernel_segments
        set_gate 0x20, timer_interrupt, 0x8E
        lidt [idt_descriptor]
        remap_pic 0x0001

        start_pit PIT_DIVISOR

        xor ebx, ebx            ; iterations since the last report
        sti
.spin:  inc ebx                 ; the work: nothing in this loop traps
        cmp byte [report_due], 0
        je .spin

        mov byte [report_due], 0
        mov esi, ticks_label
        call print
        mov eax, [report_ticks] ; the count when the report fell due; ticks go on while we print
        call print_unsigned
        mov esi, iterations_label
        call print
        mov eax, ebx
        call print_unsigned
        mov al, 10
        call putc
        xor ebx, ebx
        jmp .spin

timer_interrupt:
        push eax
        inc dword [ticks]
        dec dword [until_report]
        jnz .eoi
        mov dword [until_report], TICKS_PER_REPORT
        mov eax, [ticks]
        mov [report_ticks], eax
        mov byte [report_due], 1
.eoi:   mov al, 0x20            ; non-specific EOI
        out 0x20, al
        pop eax
        iretd

%include "serial.inc"

ticks:            dd 0
report_ticks:     dd 0
until_report:     dd TICKS_PER_REPORT
report_due:       db 0
ticks_label:      db "spinner: ticks ", 0
iterations_label: db " iterations ", 0

define_gdt
define_idt
