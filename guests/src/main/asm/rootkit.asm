; rootkit: a kernel whose process list is hooked by a rootkit after three seconds (a teaching specimen).
;
; The kernel keeps a table of three processes and, once a second, lists them through its own
; system call (int 0x80, EAX = 1: copy the names into a buffer, return the count), as 'ps' would:
;   ps: 3 processes: init shell secret-miner
; After three seconds a "rootkit module" inside the kernel hooks the system call the classic way:
; it rewrites IDT gate 0x80 to point at its own handler, which calls the real one and then
; removes every process whose name starts with "secr" from the answer. From then on the guest
; itself reports
;   ps: 2 processes: init shell
; and nothing inside the guest can tell. From outside, the VMM can (paper IV.C.7):
;   vmi integrity NAME     the gate of vector 0x80 differs from the baseline taken before the hook
;   vmi scan NAME          the rootkit's code and tag match the shipped signatures
;   vmi restore NAME --idt 0x80   puts the gate back (an intervention, IV.C.9): ps shows 3 again
; The rootkit re-hooks only if the kernel reloads it (it does not), so a restore sticks.
;
; Exit: never (a VM to stop with 'vm poweroff').

bits 32
org 0x100000

%include "abi.inc"
%include "kernel.inc"

PIT_DIVISOR equ 59659            ; 20 Hz
SYS_LIST    equ 1
NAME_SIZE   equ 16

start:
        load_kernel_segments
        set_gate 0x20, timer_interrupt, 0x8E
        set_gate 0x80, sys_list, 0x8E
        lidt [idt_descriptor]
        remap_pic 0x0001

        start_pit PIT_DIVISOR
        sti

.idle:  hlt
        mov eax, [ticks]
        cmp eax, [next_ps]
        jb .idle
        add dword [next_ps], 20  ; once a second
        cmp eax, 60              ; three seconds in: the rootkit loads
        jb .ps
        cmp byte [hooked], 0
        jne .ps
        call rootkit_install
.ps:    call ps
        jmp .idle

; ps: list the processes through the system call, as a user's 'ps' would see them.
ps:
        pushad
        mov eax, SYS_LIST
        mov edi, buffer
        int 0x80                 ; EAX = count, names at [buffer], NAME_SIZE bytes each
        mov ebx, eax
        mov esi, ps_label
        call print
        call print_unsigned
        mov esi, ps_processes
        call print
        mov esi, buffer
.name:  test ebx, ebx
        jz .done
        mov al, ' '
        call putc
        call print
        add esi, NAME_SIZE
        dec ebx
        jmp .name
.done:  mov al, 10
        call putc
        popad
        ret

; The kernel's own system call: copy the process names to [EDI]; EAX = how many.
sys_list:
        push ecx
        push esi
        push edi
        mov esi, processes
        mov ecx, 3 * NAME_SIZE
        rep movsb
        pop edi
        pop esi
        pop ecx
        mov eax, 3
        iretd

timer_interrupt:
        push eax
        inc dword [ticks]
        mov al, 0x20             ; end of interrupt
        out 0x20, al
        pop eax
        iretd

; ---- the rootkit module ------------------------------------------------------------------
; Hooks int 0x80: the gate now leads to rk_hook, which keeps the real handler's address to
; call through. Nothing is printed: a rootkit's whole point is that the guest cannot see it.
rootkit_install:
        pushad
        mov ebx, idt + 0x80 * 8
        movzx eax, word [ebx + 6]        ; the real handler's offset, high half
        shl eax, 16
        mov ax, [ebx]                    ; and low half
        mov [rk_original], eax
        mov eax, rk_hook
        mov [ebx], ax
        shr eax, 16
        mov [ebx + 6], ax
        mov byte [hooked], 1
        popad
        ret

rk_tag: db "rk-hide/1", 0                ; the tag its authors left in it (scanners love these)

; The hook: build a fake interrupt frame so that the real handler's IRETD returns here, then
; drop every name starting with "secr" from the list and fix the count.
rk_hook:
        pushfd
        push dword KERNEL_CS             ; the CS the kernel believes it has (a real 'push cs' shows RPL 3)
        push dword .back
        jmp [rk_original]
.back:  pushad
        mov ecx, eax                     ; names in the list
        mov esi, edi                     ; reading from here
        xor edx, edx                     ; names kept
.each:  test ecx, ecx
        jz .count
        cmp dword [esi], 'secr'          ; the signature: cmp dword [esi], 'secr'
        je .skip
        push ecx
        push esi
        push edi
        mov eax, edx
        imul eax, NAME_SIZE
        add edi, eax
        mov ecx, NAME_SIZE
        rep movsb
        pop edi
        pop esi
        pop ecx
        inc edx
.skip:  add esi, NAME_SIZE
        dec ecx
        jmp .each
.count: mov [esp + 28], edx              ; the saved EAX of pushad: the count the caller sees
        popad
        iretd
; ---- end of the rootkit ------------------------------------------------------------------

%include "serial.inc"

ticks:       dd 0
next_ps:     dd 20
hooked:      db 0
rk_original: dd 0
ps_label:    db "ps: ", 0
ps_processes: db " processes:", 0
align 4
processes:   db "init", 0
             times NAME_SIZE - 5 db 0
             db "shell", 0
             times NAME_SIZE - 6 db 0
             db "secret-miner", 0
             times NAME_SIZE - 13 db 0
buffer:      times 3 * NAME_SIZE db 0

define_gdt
define_idt
