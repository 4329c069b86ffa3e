; Attack (found by the fuzzer): the kernel's stack runs into its own GDT, so the interrupt frame
; the VMM pushes overwrites the kernel's code descriptor after the VMM has checked it. The VMM
; then loaded the real CS from a descriptor it had not checked; Unicorn refused the load and the
; exception escaped the VMM half way through the delivery (hv run died with a stack trace).
; Stopped by: the VMM copies into the shadow the descriptor it checked, not what memory holds
; after the pushes, as a CPU loads the descriptor it checked. The handler runs. All modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        attack_kernel
        set_gate 0x30, handler, 0x8E
        mov esp, gdt + 0x10                 ; the frame (EFLAGS, CS, EIP) lands on entries 0x08 and 0x10
        int 0x30
        escaped "int 0x30 returned"
handler:
        mov esp, kernel_stack_top
        contained "the handler ran on the descriptor the VMM checked"
        attack_data
