; ticks: timer interrupts end to end: a virtual 8254 PIT through a virtual 8259A PIC into the guest's own IDT.
;
; The kernel loads its own GDT and IDT, remaps the PIC, programs PIT channel 0 as a 100 Hz rate
; generator (mode 2, divisor 11932 of the 1.193182 MHz input clock), enables interrupts and
; HLTs. Each IRQ0 arrives at vector 0x20; the handler counts and prints a tick, acknowledges the
; PIC (EOI) and IRETs. The VMM builds the interrupt frame itself (Unicorn never reads the guest's
; IDT), and while the guest halts it skips virtual time to the next tick, so an idle guest costs
; no CPU and every run sees the same ticks.
;
; Expected output:
;   tick 1 ... tick 10, one a line
;   ten ticks of a 100 Hz timer: done
; Exit: halt (status 0).

bits 32
org 0x100000

%include "abi.inc"
%include "kernel.inc"

PIT_DIVISOR equ 11932            ; 1193182 Hz / 11932 = 100 Hz

start:
        load_kernel_segments
        set_gate 0x20, timer_interrupt, 0x8E
        lidt [idt_descriptor]
        remap_pic 0x0001         ; only IRQ0, the timer

        mov al, 0x34             ; PIT control: channel 0, lobyte/hibyte, mode 2, binary
        out 0x43, al
        mov al, PIT_DIVISOR & 0xFF
        out 0x40, al
        mov al, PIT_DIVISOR >> 8
        out 0x40, al

        sti
.idle:  hlt                      ; sleep until the next interrupt
        cmp dword [ticks], 10
        jb .idle

        cli
        mov esi, done
        call print
        hlt

timer_interrupt:
        pushad
        inc dword [ticks]
        mov esi, tick_label
        call print
        mov eax, [ticks]
        call print_decimal
        mov al, 10
        call putc
        mov al, 0x20             ; OCW2: non-specific end of interrupt
        out 0x20, al
        popad
        iretd

; print_decimal: EAX (< 100) as decimal digits.
print_decimal:
        push eax
        push edx
        xor edx, edx
        mov ecx, 10
        div ecx
        test eax, eax
        jz .ones
        add al, '0'
        call putc
.ones:  mov al, dl
        add al, '0'
        call putc
        pop edx
        pop eax
        ret

%include "serial.inc"

ticks:      dd 0
tick_label: db "tick ", 0
done:       db "ten ticks of a 100 Hz timer: done", 10, 0

define_gdt
define_idt
