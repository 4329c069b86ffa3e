; syscalls: a tiny kernel runs a user task at (virtual) CPL 3 and serves its int 0x80 system calls.
;
; The kernel loads a GDT with kernel and user segments and a TSS (whose SS0:ESP0 is the stack
; the CPU switches to when the user task enters the kernel), an IDT with a system-call gate
; that user code may call (DPL 3) and a #GP handler, then IRETs into the user task. The task
; writes through the kernel, asks it which privilege level it runs at, then tries CLI: a user
; task may not touch the interrupt flag, so the kernel's #GP handler gets it and ends the task.
; Every transition (INT 0x80 in, IRETD out, the #GP) is the VMM's work: the real CPU runs kernel
; and task alike at CPL 3.
;
; Expected output:
;   kernel: entering the user task at CPL 3
;   user: hello from ring 3, through int 0x80
;   user: the kernel says I run at CPL 3
;   user: now trying CLI...
;   kernel: #GP from the user task (error code 0): task ended
;   kernel: served 4 system calls
; Exit: halt (status 0).

bits 32
org 0x100000

%include "abi.inc"
%include "kernel.inc"

SYS_WRITE equ 1                  ; ebx = zero-terminated string
SYS_CPL   equ 2                  ; returns the caller's privilege level

start:
        load_kernel_segments

        ; The TSS: only SS0 and ESP0 matter here (SDM Vol. 3, 7.2.1).
        mov dword [tss + 4], kernel_stack_top
        mov dword [tss + 8], KERNEL_DS
        mov eax, tss             ; its descriptor: base, limit 0x67, present 32-bit TSS (type 9)
        mov word [tss_descriptor], 0x67
        mov word [tss_descriptor + 2], ax
        shr eax, 16
        mov byte [tss_descriptor + 4], al
        mov byte [tss_descriptor + 5], 0x89
        mov byte [tss_descriptor + 6], 0
        mov byte [tss_descriptor + 7], ah
        mov ax, TSS_SEL
        ltr ax

        set_gate 0x80, system_call, 0xEE
        set_gate 13, general_protection, 0x8E
        lidt [idt_descriptor]

        mov esi, entering
        call print
        push USER_DS             ; the frame IRETD pops to reach an outer ring:
        push user_stack_top      ; SS, ESP, EFLAGS (IF=1), CS, EIP
        push 0x202
        push USER_CS
        push user_task
        iretd

system_call:                     ; INT 0x80 from the user task, on the kernel stack
        inc dword [calls]
        cmp eax, SYS_WRITE
        je .write
        cmp eax, SYS_CPL
        je .cpl
        mov eax, -38             ; -ENOSYS
        iretd
.write: push esi
        mov esi, ebx
        call print
        pop esi
        xor eax, eax
        iretd
.cpl:   mov eax, [esp + 4]       ; the caller's CS, as the CPU pushed it
        and eax, 3
        iretd

general_protection:              ; [esp] = error code, [esp+4] = EIP, [esp+8] = CS
        mov esi, gp_message
        call print
        mov eax, [esp]
        add al, '0'
        call putc
        mov esi, gp_message_end
        call print
        mov esi, served
        call print
        mov eax, [calls]
        add al, '0'
        call putc
        mov esi, served_end
        call print
        cli
        hlt

user_task:                       ; runs at CPL 3
        mov eax, SYS_WRITE
        mov ebx, user_hello
        int 0x80
        mov eax, SYS_CPL
        int 0x80
        add al, '0'
        mov [user_cpl_digit], al
        mov eax, SYS_WRITE
        mov ebx, user_cpl
        int 0x80
        mov eax, SYS_WRITE
        mov ebx, user_trying
        int 0x80
        cli                      ; not allowed at CPL 3 (IOPL 0): #GP into the kernel
        jmp $

%include "serial.inc"

calls:          dd 0
entering:       db "kernel: entering the user task at CPL 3", 10, 0
gp_message:     db "kernel: #GP from the user task (error code ", 0
gp_message_end: db "): task ended", 10, 0
served:         db "kernel: served ", 0
served_end:     db " system calls", 10, 0
user_hello:     db "user: hello from ring 3, through int 0x80", 10, 0
user_cpl:       db "user: the kernel says I run at CPL "
user_cpl_digit: db "?", 10, 0
user_trying:    db "user: now trying CLI...", 10, 0

define_gdt
define_idt

align 16
tss:            times 104 db 0
align 16
                times 1024 db 0
kernel_stack_top:
                times 1024 db 0
user_stack_top:
