; Attack: map the shadow page tables. The pool the VMM keeps them in sits at physical
; 0xFF000000; a 4 MiB page of the guest's own names that frame, and the guest reads through it.
; Stopped by: the VMM only puts guest RAM frames into its shadows; a mapping of anything else
; ends the VM with a clear page-fault exit ("not RAM"). All modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
%include "paging.inc"
        attack_kernel
        paging_on
        mov dword [PAGE_DIR + 512 * 4], 0xFF000087
        invlpg [0x80000000]
        mov eax, [0x80000000]
        escaped "read the shadow page tables"
        attack_data
