; Attack: a user task reads a kernel page. Its kernel runs at real CPL 3 too, so a shadow that
; mapped kernel pages as user pages for the kernel's sake would let the task read them.
; Stopped by: ring compression keeps two shadows; the user's maps only the guest's user pages,
; and the task gets the #PF the hardware would give (error code 5: present, user, read). All modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
%include "paging.inc"
        attack_kernel
        paging_on
        mov dword [PAGE_DIR + 4], 0x83   ; linear 0x400000: frame 0 again, supervisor only
        set_gate 14, page_fault, 0x8E
        mov eax, [0x400000]              ; the kernel may
        enter_user user
user:   mov eax, [0x400000]
        escaped "a user task read a supervisor page"
page_fault:
        cmp dword [esp], 5
        jne .wrong
        mov eax, cr2
        cmp eax, 0x400000
        jne .wrong
        contained "#PF with error code 5 and CR2 at the page"
.wrong: escaped "#PF with the wrong error code or CR2"
        attack_data
