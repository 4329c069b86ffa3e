; paging-user-syscall: under paging, a user task (pages at 0x40000000) makes int 0x80 system calls in a
; loop; the handler writes its answer into the user's stack through the user's own linear address
; (as hvos did before it copied through physical pages) and IRETs. Expected: the user reads back
; every answer, "2000 system calls: ok", debug-exit 0. Two bugs hvos met at 1ac2cd0:
; - after the first int 0x80 no trap was ever reported again, slices overran and the VM never ended;
; - with the kernel writing to user memory, the VM ended with "virtual-8086 mode entered by an
;   IRET at CPL 3" although the frame was right.
; The setup is guests/src/main/asm/paging.asm's, whose own user task (no int 0x80) runs fine.

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
        set_gate 0x80, system_call, 0xEE
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

        ; A user task that makes 2000 system calls, then a last one (EAX = 1) that ends the VM.
        mov esi, user_code
        mov edi, DATA + 0x1000
        mov ecx, user_code_end - user_code
        rep movsb
        push USER_DS
        push 0x40003000
        push 0x202
        push USER_CS
        push 0x40001000
        iretd

user_code:
        mov ecx, 2000
.again: push ecx
        mov eax, 0
        int 0x80
        cmp [0x40002FF0], ecx           ; the kernel wrote our count here
        jne .wrong
        pop ecx
        loop .again
        mov eax, 1
        int 0x80
        jmp $
.wrong: mov eax, 2
        int 0x80
        jmp $
user_code_end:

system_call:
        cmp eax, 1
        je .done
        cmp eax, 2
        je .wrong
        inc dword [calls]
        mov ecx, [esp + 12]             ; the user's ESP from the frame
        mov ecx, [ecx]                  ; the count it pushed
        mov [0x40002FF0], ecx           ; the answer, through the user's linear address
        iretd
.wrong: mov esi, msg_wrong
        call print
        debug_exit 3
.done:  mov esi, msg_ok
        call print
        debug_exit 0

page_fault:
        mov esi, msg_pf
        call print
        mov eax, cr2
        call print_hex
        debug_exit 2

%include "serial.inc"
calls:  dd 0
msg_ok: db "2000 system calls: ok", 10, 0
msg_pf: db "page fault at ", 0
msg_wrong: db "the kernel's write did not reach the user", 10, 0

define_gdt
define_idt

align 16
tss:            times 104 db 0
align 16
                times 2048 db 0
kernel_stack_top:
