; A copy of vmm's test guest host/spin.asm: it stands in for the built-in 'spinner' in the tui's
; script tests until that guest lands (the tests use the built-in as soon as it exists).
; spin: a test guest for the host. Programs the PIT at 100 Hz, enables interrupts and spins in a
; loop that never traps, counting timer ticks in its handler. Every 100 ticks (one second of
; virtual time) it prints "ticks N loops M". Runs for ever.
bits 32
org 0x100000
%include "abi.inc"
%include "kernel.inc"

start:
        load_kernel_segments
        set_gate 0x20, timer, 0x8E
        lidt [idt_descriptor]
        remap_pic 0x0001
        mov al, 0x34
        out 0x43, al
        mov al, 11932 & 0xFF
        out 0x40, al
        mov al, 11932 >> 8
        out 0x40, al
        sti
.spin:  inc dword [loops]
        mov eax, [loops]
        imul eax, eax, 3
        xor eax, [loops]
        jmp .spin

timer:  pushad
        inc dword [ticks]
        mov eax, [ticks]
        xor edx, edx
        mov ecx, 100
        div ecx
        test edx, edx
        jnz .eoi
        mov esi, label
        call print
        mov eax, [ticks]
        call print_hex
        mov esi, label2
        call print
        mov eax, [loops]
        call print_hex
        mov al, 10
        call putc
.eoi:   mov al, 0x20
        out 0x20, al
        popad
        iretd

%include "serial.inc"
ticks:  dd 0
loops:  dd 0
label:  db "ticks ", 0
label2: db " loops ", 0
define_gdt
define_idt
