; Attack: the red pill (SIDT) in code the guest writes outside its image and then runs. A
; translator that scanned only the loaded image would miss it, and SIDT would show the real
; IDTR instead of the guest's.
; Stopped by: bt scans every block as Unicorn translates it, wherever it is, before it runs. bt mode.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        attack_kernel
        mov esi, payload
        mov edi, 0x300000
        mov ecx, payload_end - payload
        cld
        rep movsb
        call 0x300000
        mov eax, [stored + 2]
        cmp eax, idt
        jne .leak
        contained "SIDT in code written outside the image showed the guest's own IDT"
.leak:  escaped "SIDT outside the image leaked the real IDTR"
payload:
        sidt [stored]
        ret
payload_end:
stored: dw 0
        dd 0
        attack_data
