; ticks.asm (reference solution).
bits 32
org 0x100000
%include "abi.inc"
%include "kernel.inc"

start:
        load_kernel_segments
        set_gate 0x20, tick, 0x8E
        lidt [idt_descriptor]
        remap_pic 0x0001
        start_pit 11932
        sti
.wait:  hlt
        cmp dword [ticks], 10
        jb .wait
        cli
        mov esi, done
        call print
        debug_exit 0

tick:   inc dword [ticks]
        push eax
        mov al, 0x20
        out 0x20, al
        pop eax
        iretd

%include "serial.inc"
ticks:  dd 0
done:   db "10 ticks", 10, 0
define_gdt
define_idt
