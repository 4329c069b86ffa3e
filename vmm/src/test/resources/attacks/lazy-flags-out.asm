; Regression (found by the fuzzer): an OUT right after an ADC. Unicorn computes the arithmetic
; flags lazily and does not bring them up to date before calling an I/O hook, so EFLAGS read
; there held the ADC's operand, IOPL and VM bits included; the VMM took that for a guest that
; had raised its real IOPL and ended a perfectly good VM.
; Stopped by: the VMM does not trust EFLAGS inside I/O and memory hooks; it checks the real flags
; at the next exact boundary instead. The guest carries on. All modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        attack_kernel
        xor eax, eax
        adc eax, 0xECB25324                 ; VM (bit 17) and IOPL bits in the operand
        mov dx, 0x80                        ; an unclaimed port
        out dx, al
        adc eax, 0x00023000
        out dx, al
        contained "OUT after ADC: the VMM did not mistake stale lazy flags for a broken IOPL"
        attack_data
