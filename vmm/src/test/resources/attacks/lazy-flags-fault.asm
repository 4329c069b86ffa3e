; Regression (found by the fuzzer): stale lazy flags (see lazy-flags-out) at an OUT, then a read
; of unmapped memory in the same block. The OUT asked for a flags check at the next boundary;
; that request, made first, hid the memory fault's "end the VM", so the VM went on and its own
; check read the flags Unicorn had left stale at the fault: a healthy guest ended as "the real
; EFLAGS.IOPL is 2" instead of with its memory fault.
; Stopped by: a request to stop only for a look is weak: a real event later in the run replaces
; it (StopReason.weak). The VM ends with the memory fault. All modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        attack_kernel
        jmp fresh_block
fresh_block:
        xor eax, eax
        adc eax, 0xECB22324                 ; IOPL 2 and VM bits in the lazy operand
        mov dx, 0x80                        ; an unclaimed port
        out dx, al
        mov eax, [0x90000000]               ; no memory there: the VM ends
        escaped "a read of unmapped memory went on"
        attack_data
