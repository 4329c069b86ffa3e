; Attack: keep the VMM busy on the guest's behalf past the VM's deadline. MEASURE over all of
; RAM, again and again (and once over 1 GiB, more than there is). Before the fix one MEASURE of
; 1 GiB ran 18 s past a 2 s timeout.
; Stopped by: MEASURE hashes at most 4 MiB per call and continues by re-running the INT 0x82
; (a Xen-style continuation), so the VM's deadline is checked in between; a length beyond RAM
; is -EFAULT at once. The VM ends at its timeout. Paravirt mode (run with 64 MiB and with 1 GiB).
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        mov [ram_size], ebx                 ; the ABI hands over the RAM size in EBX
        attack_kernel
        mov eax, 12                         ; MEASURE
        mov ebx, 0
        mov ecx, 0x40000000                 ; 1 GiB: more than this VM has
        mov edx, hash
        int HYPERCALL
        cmp eax, -14                        ; -EFAULT: this VM has less than 1 GiB
        je .again
        test eax, eax                       ; 0: it has 1 GiB, and the hash came back
        jne .bad
.again: mov eax, 12
        xor ebx, ebx
        mov ecx, [ram_size]
        mov edx, hash
        int HYPERCALL
        jmp .again
.bad:   escaped "MEASURE of 1 GiB answered neither 0 nor -EFAULT"
ram_size: dd 0
hash:   times 32 db 0
        attack_data
