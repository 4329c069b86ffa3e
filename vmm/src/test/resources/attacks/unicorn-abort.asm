; Attack (found by the fuzzer): kill the host with three bytes. Unicorn 2.0.1's translator
; aborts the whole process ("tcg fatal error", then abort()) on LOCK CMP with a memory operand,
; LOCK BT with a register operand and CALL FAR with a register operand, all #UD on a real CPU.
; Before the fix any guest in any mode took the JVM, and every other VM in it, down.
; Stopped by: every uc_emu_start runs under a sigsetjmp point and a SIGABRT handler jumps back
; to it (cpu's AbortGuard); the engine that aborted is retired and its VM ends with a CPU error,
; the JVM and every other VM carry on. All modes. (A real CPU would raise #UD; hvlab cannot
; make Unicorn 2.0.1 do that, so the VM ends.) Unicorn 2.1 raises #UD, as a real CPU does: the
; guest's handler reports it contained.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        attack_kernel
        set_gate 6, ud, 0x8E
        jmp fresh_block                     ; so that LOCK CMP opens a translation block: no
fresh_block:                                ; earlier instruction has set the temporary it forgets
        lock cmp [scratch], ebp             ; F0 39 2D: Unicorn aborts translating this block
        hlt
        escaped "LOCK CMP ran"
ud:     contained "LOCK CMP raised #UD, as on a real CPU (Unicorn 2.1)"
scratch: dd 0
        attack_data
