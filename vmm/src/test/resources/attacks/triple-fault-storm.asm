; Attack: a storm of double faults. #GP's gate points at a not-present code segment and #DF's
; gate is not present, so every fault becomes #DF and then a triple fault; before that, a
; handler that faults again and again tries to keep the VMM delivering forever.
; Stopped by: delivery follows the SDM's double-fault classes (Table 6-5) with a bounded nesting
; depth; a triple fault ends the VM (a real CPU would shut down). All modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        attack_kernel
        set_gate 6, refault, 0x8E
        mov dword [count], 0
        ud2
refault:
        mov esp, kernel_stack_top
        inc dword [count]
        cmp dword [count], 1000
        jb .again
        mov byte [idt + 13 * 8 + 5], 0x0E   ; #GP's gate not present: #NP while delivering #GP
        mov byte [idt + 8 * 8 + 5], 0x0E    ; #DF's gate not present either: a triple fault
        mov ax, 0x7777
        mov ds, ax
        escaped "a selector beyond the GDT loaded"
.again: ud2
count:  dd 0
        attack_data
