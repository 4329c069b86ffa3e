; ticks: timer interrupts end to end: a virtual 8254 PIT through a virtual 8259A PIC into the guest's own IDT.
;
; The kernel loads its own GDT and IDT, remaps the PIC, programs PIT channel 0 as a 20 Hz rate
; generator (mode 2, divisor 59659 of the 1.193182 MHz input clock: near the slowest the 8254
; can go, 18.2 Hz), enables interrupts and HLTs. Each IRQ0 arrives at vector 0x20; the handler
; counts and prints a tick, acknowledges the PIC (EOI) and IRETs. The VMM builds the interrupt
; frame itself (Unicorn never reads the guest's IDT). Under 'hv run' the VMM skips virtual time
; to the next tick while the guest halts, so an idle guest costs no CPU, the run takes no time,
; and every run sees the same ticks; on a host (the UI, 'hv shell') time is real: ten seconds.
;
; Expected output:
;   tick 1 ... tick 200, one a line
;   200 ticks of a 20 Hz timer: done
; Exit: halt (status 0).

bits 32
org 0x100000

%include "abi.inc"
%include "kernel.inc"

PIT_DIVISOR equ 59659            ; 1193182 Hz / 59659 = 20 Hz
TICKS       equ 200

start:
        load_kernel_segments
        set_gate 0x20, timer_interrupt, 0x8E
        lidt [idt_descriptor]
        remap_pic 0x0001         ; only IRQ0, the timer

        start_pit PIT_DIVISOR

        sti
.idle:  hlt                      ; sleep until the next interrupt
        cmp dword [ticks], TICKS
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

; print_decimal: EAX (< 1000) as decimal digits, without leading zeros.
print_decimal:
        pushad
        mov ecx, 10
        xor ebx, ebx            ; digits pushed
.split: xor edx, edx
        div ecx
        push edx
        inc ebx
        test eax, eax
        jnz .split
.emit:  pop eax
        add al, '0'
        call putc
        dec ebx
        jnz .emit
        popad
        ret

%include "serial.inc"

ticks:      dd 0
tick_label: db "tick ", 0
done:       db "200 ticks of a 20 Hz timer: done", 10, 0

define_gdt
define_idt
