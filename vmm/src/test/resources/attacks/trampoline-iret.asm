; Attack: use the VMM's own trampoline as an IRET gadget. The trampoline page (0xFFF10000) is
; readable and executable, because the CPU runs it at ring 0 to enter the guest; a user task that
; jumps there runs its IRETD at CPL 3 with a frame of its own, here one that asks for
; virtual-8086 mode with IOPL 3. bt mode emulates every IRET in guest RAM exactly, but this
; one is outside guest RAM, where nothing is scanned: Unicorn's IRET would enter the mode.
; Stopped by: in bt mode the VMM watches the trampoline's IRETD too; run by the VMM itself
; (real CPL 0) it goes through, run by the guest it is emulated like the guest's own IRET:
; the VM bit is ignored, IOPL stays, and the task's CLI raises #GP. bt mode (trap and paravirt
; modes cannot stop Unicorn's IRET anywhere; see iret-vm86).
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        attack_kernel
        set_gate 13, gp, 0x8E
        enter_user user
user:   push 0                              ; GS, FS, DS, ES for the virtual-8086 frame
        push 0
        push 0
        push 0
        push 0                              ; SS
        push 0x1000                         ; ESP
        push 0x23202                        ; EFLAGS: VM, IOPL 3, IF
        push USER_CS                        ; CS
        push after                          ; EIP
        jmp 0xFFF10000                      ; the VMM's trampoline: one IRETD
after:  cli                                 ; still CPL 3 with IOPL 0: must raise #GP
        escaped "CLI ran in the user task: the trampoline's IRET raised IOPL"
gp:     contained "the trampoline's IRETD, run by the guest, was emulated like the guest's own"
        attack_data
