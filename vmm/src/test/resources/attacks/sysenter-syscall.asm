; Attack: SYSENTER and SYSCALL, which Unicorn turns into silent no-ops. Our CPUID advertises
; neither (no SEP bit; SYSCALL does not exist in 32-bit Intel mode), so both must raise #UD,
; through the guest's own IDT, with EIP on the instruction.
; Stopped by: the dispatcher turns Unicorn's SYSENTER/SYSCALL hooks into #UD at the right EIP. All modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        attack_kernel
        set_gate 6, ud_sysenter, 0x8E
fast1:  sysenter
        escaped "SYSENTER did nothing"
ud_sysenter:
        cmp dword [esp], fast1
        jne wrong1
        add esp, 12
        set_gate 6, ud_syscall, 0x8E
fast2:  syscall
        escaped "SYSCALL did nothing"
wrong1: escaped "the #UD for SYSENTER named the wrong EIP"
ud_syscall:
        cmp dword [esp], fast2
        jne wrong2
        contained "SYSENTER and SYSCALL both raised #UD at the instruction"
wrong2: escaped "the #UD for SYSCALL named the wrong EIP"
        attack_data
