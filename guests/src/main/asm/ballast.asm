; ballast: the counter with a memory to carry: it first fills all of its RAM above 2 MiB (but the
; top 1 MiB, where its stack is) with a pattern, then counts like the counter guest.
;
; Teaches what live migration's pre-copy is for (Clark et al., NSDI 2005). A guest with much
; memory in use but a small writable working set is the case pre-copy wins: round 0 sends all of
; the pattern while the guest runs, later rounds send only the few pages its counting writes, and
; the pause at the end carries those few pages and the machine. Stop-and-copy would send all of
; it during the pause. Benchmark B15 migrates this guest both ways and compares the downtimes.
;
; Expected output:
;   ballast filled
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
FILL_FROM       equ 0x200000

start:
        ; EBX holds the RAM size (the guest ABI). Fill [2 MiB, size - 1 MiB) with non-zero words:
        ; pages that are all zero are not sent at all, so the ballast must not be zero.
        mov ecx, ebx
        sub ecx, FILL_FROM + 0x100000
        shr ecx, 2
        mov edi, FILL_FROM
        mov eax, 0x6C6C6162     ; "ball"
        cld
        rep stosd
        load_kernel_segments
        mov esi, filled_label
        call print
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
filled_label: db "ballast filled", 10, 0

define_gdt
define_idt
