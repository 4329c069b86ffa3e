; Attack: hide SIDT behind a data byte. A linear sweep from the block start decodes 0x0F 0x0F
; 0x01 ... as something else and misses the SIDT that the jump really reaches.
; Stopped by: bt scans each block from where execution enters it, so the SIDT block is decoded
; from its true start. bt mode.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        attack_kernel
        jmp hidden
        db 0x0F                             ; a linear scan would start a two-byte opcode here
hidden: sidt [stored]
        mov eax, [stored + 2]
        cmp eax, idt
        jne .leak
        contained "SIDT hidden behind a data byte showed the guest's own IDT"
.leak:  escaped "SIDT hidden behind data leaked the real IDTR"
stored: dw 0
        dd 0
        attack_data
