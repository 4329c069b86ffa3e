; covert-recv: measures its own progress, 20 times a second, to hear a sender through the CPU.
;
; It counts as fast as it can; at each tick of its 20 Hz timer it prints how far it got since the
; last one ("c 123456"). On a host whose CPU it shares with covert-send, the counts drop in the
; windows where the sender computes: those dips are the sender's 1 bits. The VMM's
; CovertChannelDecoder turns the counts back into bits and measures the error rate.
;
; Exit: never (a VM to stop with 'vm poweroff').

bits 32
org 0x100000

%include "abi.inc"
%include "kernel.inc"

PIT_DIVISOR equ 59659            ; 20 Hz

start:
        load_kernel_segments
        set_gate 0x20, timer_interrupt, 0x8E
        lidt [idt_descriptor]
        remap_pic 0x0001
        start_pit PIT_DIVISOR
        sti
.count: inc dword [progress]     ; the work whose rate gives the sender away
        jmp .count

timer_interrupt:
        pushad
        xor eax, eax
        xchg eax, [progress]     ; this tick's progress, and start again
        mov esi, label
        call print
        call print_unsigned
        mov al, 10
        call putc
        mov al, 0x20
        out 0x20, al
        popad
        iretd

%include "serial.inc"

progress: dd 0
label:    db "c ", 0

define_gdt
define_idt
