; paging: a kernel that turns on 32-bit paging and checks, one by one, what the MMU promises it.
;
; The VMM runs it on shadow page tables (vmm/paging): the guest's tables below are its own data,
; and every check here is something the VMM must get exactly as the hardware does (Intel SDM
; Vol. 3A, chapter 4). The same image gives the same output on a bare CPU.
;   1. an alias: linear 0x40000000 maps physical 0x300000; a store through one is seen through
;      the other;
;   2. accessed and dirty flags: the MMU sets them in the guest's own entries (4.8);
;   3. a 4 MiB page (CR4.PSE): a directory entry that maps a page by itself;
;   4. the TLB: after changing an entry, INVLPG makes the new mapping count (4.10.4);
;   5. page faults with CR2 and the error code: not present (write: 2), a kernel write to a
;      read-only page with CR0.WP set (3); the handler maps the page and the store runs again;
;   6. user mode: a task at CPL 3 on its own pages reads its stack (a user page), then the
;      kernel's page: a fault with error code 5 (present, user, read).
;
; Expected output:
;   paging on
;   alias: 12345678
;   pte: 00300063 pde: 00202027
;   large page: 0000CAFE pde: 008000E3
;   after invlpg: 00001111
;   page fault: cr2 40000000 error 00000002
;   retried: 00000005
;   page fault: cr2 40003000 error 00000003
;   retried: 00000007
;   page fault: cr2 40000000 error 00000005
;   user pages: code 00301025 stack 00302027
; Exit: halt.

bits 32
org 0x100000

%include "abi.inc"
%include "kernel.inc"

PD      equ 0x200000            ; the page directory
PT0     equ 0x201000            ; identity map of the first 4 MiB (this kernel, its tables)
PT1     equ 0x202000            ; the 4 MiB from 0x40000000
DATA    equ 0x300000            ; the frames PT1 maps, 0x40000000 -> DATA, 0x40001000 -> DATA + 0x1000, ...
P       equ 1
RW      equ 2
US      equ 4
PS      equ 0x80

start:
        load_kernel_segments
        mov dword [tss + 4], kernel_stack_top
        mov dword [tss + 8], KERNEL_DS
        mov eax, tss
        mov word [tss_descriptor], 0x67
        mov word [tss_descriptor + 2], ax
        shr eax, 16
        mov byte [tss_descriptor + 4], al
        mov byte [tss_descriptor + 5], 0x89
        mov byte [tss_descriptor + 7], ah
        mov ax, TSS_SEL
        ltr ax
        set_gate 14, page_fault, 0x8E
        lidt [idt_descriptor]
        mov esp, kernel_stack_top

        ; The tables: PT0 maps 0-4 MiB page by page, PDEs 1-3 map 4-16 MiB as 4 MiB pages,
        ; PT1 holds three pages at 0x40000000: kernel data, user code (read-only), user stack.
        mov edi, PD
        xor eax, eax
        mov ecx, 3 * 1024
        rep stosd
        mov edi, PT0
        mov eax, P | RW
        mov ecx, 1024
.identity:
        stosd
        add eax, 0x1000
        loop .identity
        mov dword [PD], PT0 | P | RW
        mov dword [PD + 4], 0x400000 | PS | P | RW
        mov dword [PD + 8], 0x800000 | PS | P | RW
        mov dword [PD + 12], 0xC00000 | PS | P | RW
        mov dword [PD + 256 * 4], PT1 | P | RW | US
        mov dword [PT1], DATA | P | RW
        mov dword [PT1 + 4], (DATA + 0x1000) | P | US
        mov dword [PT1 + 8], (DATA + 0x2000) | P | RW | US

        mov eax, cr4
        or eax, 0x10            ; PSE
        mov cr4, eax
        mov eax, PD
        mov cr3, eax
        mov eax, cr0
        or eax, 0x80010000      ; PG and WP
        mov cr0, eax
        mov esi, msg_on
        call print

        ; 1. An alias.
        mov dword [0x40000000], 0x12345678
        mov esi, msg_alias
        call print
        mov eax, [DATA]
        call print_hex
        call newline

        ; 2. Accessed and dirty, in the guest's own entries.
        mov esi, msg_pte
        call print
        mov eax, [PT1]
        call print_hex
        mov esi, msg_pde
        call print
        mov eax, [PD + 256 * 4]
        call print_hex
        call newline

        ; 3. A 4 MiB page.
        mov dword [0x800010], 0xCAFE
        mov esi, msg_large
        call print
        mov eax, [0x800010]
        call print_hex
        mov esi, msg_pde
        call print
        mov eax, [PD + 8]
        call print_hex
        call newline

        ; 4. Point 0x40000000 elsewhere; INVLPG makes the change count.
        mov dword [DATA + 0x3000], 0x1111
        mov dword [PT1], (DATA + 0x3000) | P | RW
        invlpg [0x40000000]
        mov esi, msg_invlpg
        call print
        mov eax, [0x40000000]
        call print_hex
        call newline

        ; 5. Faults the handler repairs: a page not present, a read-only page under CR0.WP.
        mov dword [PT1], 0
        invlpg [0x40000000]
        mov dword [0x40000000], 5
        mov esi, msg_retried
        call print
        mov eax, [DATA]
        call print_hex
        call newline
        mov dword [PT1 + 12], (DATA + 0x3000) | P
        mov dword [0x40003000], 7
        mov esi, msg_retried
        call print
        mov eax, [DATA + 0x3000]
        call print_hex
        call newline

        ; 6. A user task on its own pages: copy its code in, then IRET to CPL 3.
        mov esi, user_code
        mov edi, DATA + 0x1000
        mov ecx, user_code_end - user_code
        rep movsb
        push USER_DS
        push 0x40003000         ; the top of the user stack page
        push 0x202
        push USER_CS
        push 0x40001000
        iretd

; The user task, run from 0x40001000 (it uses no labels: it was copied there).
user_code:
        mov eax, [0x40002000]   ; its stack page: a user page
        mov eax, [0x40000000]   ; the kernel's page: #PF, error code 5
        jmp $
user_code_end:

; #PF: [esp] = error code, then EIP, CS, EFLAGS (and ESP, SS from user mode). CR2 = the address.
page_fault:
        pushad
        mov esi, msg_fault
        call print
        mov eax, cr2
        call print_hex
        mov esi, msg_error
        call print
        mov eax, [esp + 32]
        call print_hex
        call newline
        test dword [esp + 32], US
        jnz .user
        ; A kernel fault in PT1's range: map the page it wanted, writable, and retry.
        mov ebx, cr2
        mov eax, ebx
        sub eax, 0x40000000
        shr eax, 12
        mov ecx, eax
        shl ecx, 12
        add ecx, DATA | P | RW
        mov [PT1 + eax * 4], ecx
        invlpg [ebx]
        popad
        add esp, 4
        iretd
.user:  mov esi, msg_user
        call print
        mov eax, [PT1 + 4]
        call print_hex
        mov esi, msg_stack
        call print
        mov eax, [PT1 + 8]
        call print_hex
        call newline
        cli
        hlt

newline:
        push eax
        mov al, 10
        call putc
        pop eax
        ret

%include "serial.inc"

msg_on:      db "paging on", 10, 0
msg_alias:   db "alias: ", 0
msg_pte:     db "pte: ", 0
msg_pde:     db " pde: ", 0
msg_large:   db "large page: ", 0
msg_invlpg:  db "after invlpg: ", 0
msg_retried: db "retried: ", 0
msg_fault:   db "page fault: cr2 ", 0
msg_error:   db " error ", 0
msg_user:    db "user pages: code ", 0
msg_stack:   db " stack ", 0

define_gdt
define_idt

align 16
tss:            times 104 db 0
align 16
                times 2048 db 0
kernel_stack_top:
