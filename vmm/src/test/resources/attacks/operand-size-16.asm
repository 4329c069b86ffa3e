; Attack (and fidelity check): the 16-bit operand-size forms of IRET and far RET (0x66 prefix),
; which pop 2-byte slots. A VMM that popped 4-byte slots would take FLAGS and CS from the wrong
; place and leave the stack unbalanced. A 16-bit return reaches only the first 64 KiB, so each
; lands on a small stub at 0x1000 that jumps back.
; Stopped by: IretEmulation reads the operand size from the prefix and pops 16-bit slots; the
; guest comes back where it meant to, with ESP where it was. All modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
LOW_STUB equ 0x1000
        attack_kernel
        mov byte [LOW_STUB], 0xEA           ; jmp far KERNEL_CS:back1
        mov dword [LOW_STUB + 1], back1
        mov word [LOW_STUB + 5], KERNEL_CS
        mov ebx, esp
        push word 0x0002                    ; FLAGS
        push word KERNEL_CS                 ; CS
        push word LOW_STUB                  ; IP
        o16 iret
        escaped "o16 iret fell through"
back1:  cmp esp, ebx
        jne unbalanced
        mov dword [LOW_STUB + 1], back2
        push word KERNEL_CS
        push word LOW_STUB
        o16 retf
        escaped "o16 retf fell through"
back2:  cmp esp, ebx
        jne unbalanced
        contained "o16 iret and o16 retf popped 16-bit frames and returned exactly"
unbalanced:
        escaped "a 16-bit return left the stack unbalanced"
        attack_data
