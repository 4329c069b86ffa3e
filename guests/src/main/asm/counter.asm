; counter: a guest that lives on: timer-paced output that survives pause, resume and save/restore.
;
; The kernel programs PIT channel 0 as a 100 Hz rate generator and, every tenth tick, prints
; the next value of a counter it keeps in memory: ten lines a second of virtual time. Between
; ticks it halts with interrupts enabled (STI, then HLT), so an idle VM costs no CPU, and the VMM
; skips virtual time straight to the next tick. Pause it, resume it, save it and restore it
; into a fresh VM: the count carries on where it was, because everything the guest knows is in
; its memory, its registers and its devices' state, which a snapshot carries.
;
; Expected output:
;   count 1
;   count 2
;   ... one line every ten timer ticks, for ever
; Exit: none; it runs until it is stopped.

bits 32
org 0x100000

%include "abi.inc"
%include "kernel.inc"

PIT_DIVISOR     equ 11932       ; 1193182 Hz / 11932 = 100 Hz
TICKS_PER_LINE  equ 10

start:
        load_kernel_segments
        set_gate 0x20, timer_interrupt, 0x8E
        lidt [idt_descriptor]
        remap_pic 0x0001        ; only IRQ0, the timer

        start_pit PIT_DIVISOR

        sti
.idle:  hlt                     ; sleep until the next interrupt
        cmp dword [ticks], TICKS_PER_LINE
        jb .idle
        ; One instruction reads, subtracts and writes: an interrupt can only come before or
        ; after it, so no tick counted by the handler is ever lost.
        sub dword [ticks], TICKS_PER_LINE
        inc dword [count]
        mov esi, count_label
        call print
        mov eax, [count]
        call print_unsigned
        mov al, 10
        call putc
        jmp .idle

timer_interrupt:
        push eax
        inc dword [ticks]
        mov al, 0x20            ; OCW2: non-specific end of interrupt
        out 0x20, al
        pop eax
        iretd

%include "serial.inc"

ticks:       dd 0
count:       dd 0
count_label: db "count ", 0

define_gdt
define_idt
