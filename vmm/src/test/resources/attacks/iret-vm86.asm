; Attack: IRETD at CPL 3 with EFLAGS.VM=1 and IOPL=3. A real CPU ignores VM at CPL 3; Unicorn
; enters virtual-8086 mode with the real IOPL 3, after which CLI and STI run natively and the
; virtual IF no longer follows the guest.
; Stopped by: bt mode emulates every IRET exactly (VM ignored, IOPL kept), so the user task's
; CLI still traps: #GP into the kernel, CONTAINED. Trap and paravirt modes cannot stop Unicorn's
; IRET; the VMM sees the real VM flag at the next trap or slice end and ends the VM (NotEmulated).
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
        push 0                              ; CS
        push 0x2000                         ; EIP
        iretd
        cli                                 ; after an exact IRET: still CPL 3, IOPL 0
        escaped "CLI ran in the user task: IOPL became 3"
gp:     contained "the user task's CLI raised #GP: the IRET did not raise IOPL or enter virtual-8086 mode"
        attack_data
