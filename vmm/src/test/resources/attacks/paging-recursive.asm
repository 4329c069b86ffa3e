; Not an attack but a trick real kernels use (Windows NT for decades): a page directory entry that
; points at the directory itself, so that the page tables appear in the address space (here at
; 0xC0000000, the directory at 0xC0300000). The VMM must allow it and translate it exactly.
; Passes when: the directory's own entry reads back through the recursive mapping. All modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
%include "paging.inc"
        attack_kernel
        paging_on
        mov dword [PAGE_DIR + 768 * 4], PAGE_DIR | 3
        invlpg [0xC0300000]
        mov eax, [0xC0300000 + 768 * 4]
        and eax, ~0x60                   ; accessed and dirty may be set by now
        cmp eax, PAGE_DIR | 3
        jne .wrong
        contained "the recursive mapping shows the directory"
.wrong: escaped "the recursive mapping read something else"
        attack_data
