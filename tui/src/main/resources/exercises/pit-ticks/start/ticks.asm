; ticks.asm: count ten timer interrupts, then print "10 ticks".
bits 32
org 0x100000
%include "abi.inc"

start:
        ; TODO: an IDT with a handler for IRQ 0, the PIC and the PIT, then wait for ten ticks.
        debug_exit 0

%include "serial.inc"
