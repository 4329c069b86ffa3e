; Attack: self-modifying code across a page boundary. Code that straddles two pages runs once
; as harmless NOPs; then the guest rewrites it into SIDT (its bytes split across the pages) and
; runs it again.
; Stopped by: the guest's store drops Unicorn's translation of the code, the new block is
; translated again and so scanned again; the SIDT is emulated. bt mode.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        attack_kernel
        mov esi, code
        mov edi, 0x300FFE                   ; two bytes before a page boundary
        mov ecx, code_end - code
        cld
        rep movsb
        call 0x300FFE                       ; NOPs, then RET
        mov esi, sidt_code
        mov edi, 0x300FFE
        mov ecx, sidt_code_end - sidt_code
        rep movsb
        call 0x300FFE                       ; now SIDT [stored], then RET
        mov eax, [stored + 2]
        cmp eax, idt
        jne .leak
        contained "rewritten code across a page boundary was scanned again: SIDT showed the guest's IDT"
.leak:  escaped "SIDT in rewritten code leaked the real IDTR"
code:   times 7 nop
        ret
code_end:
sidt_code:
        sidt [stored]
        ret
sidt_code_end:
stored: dw 0
        dd 0
        attack_data
