; Attack: page tables outside RAM. CR3 names 8 MiB in a 4 MiB machine, so the first walk reads
; whatever the VMM has there.
; Stopped by: the VMM walks the guest's tables only through the door to guest RAM, which refuses
; the address; the VM ends with a memory fault. All modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        attack_kernel
        mov eax, 0x800000
        mov cr3, eax
        mov eax, cr0
        or eax, 0x80000000
        mov cr0, eax
        escaped "ran with page tables outside RAM"
        attack_data
