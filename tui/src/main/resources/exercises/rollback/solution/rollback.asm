; rollback: ticks, and notices when it is rolled back (reference solution).
;
; The vTPM's monotonic counter lives outside every snapshot: a revert takes this guest's memory
; (and so its remembered count) back, but not the counter. Memory and vTPM then disagree.

bits 32
org 0x100000

%include "abi.inc"
%include "kernel.inc"

TPM_ADDRESS     equ 0x4C0
TPM_SIZE        equ 0x4C4
TPM_START       equ 0x4C8
BUFFER_SIZE     equ 512
CMD_INCREMENT   equ 7
COUNTER         equ 1
PIT_DIVISOR     equ 11932       ; 100 Hz
TICKS_PER_LINE  equ 10

start:
        load_kernel_segments
        set_gate 0x20, timer_interrupt, 0x8E
        lidt [idt_descriptor]
        remap_pic 0x0001
        mov dx, TPM_ADDRESS
        mov eax, buffer
        out dx, eax
        mov dx, TPM_SIZE
        mov eax, BUFFER_SIZE
        out dx, eax
        call count                      ; before the clock: a remembered count from the first tick on
        mov [remembered], ebx
        start_pit PIT_DIVISOR
        sti
.idle:  hlt
        cmp dword [ticks], TICKS_PER_LINE
        jb .idle
        sub dword [ticks], TICKS_PER_LINE
        call count
        mov eax, [remembered]
        inc eax
        cmp eax, ebx
        je .agree
        mov esi, rollback_label
        call print
        mov eax, [remembered]
        call print_unsigned
        mov esi, says_label
        call print
        mov eax, ebx
        call print_unsigned
        mov al, 10
        call putc
.agree: mov [remembered], ebx           ; after a detection too: the vTPM's count is the truth
        inc dword [lines]
        mov esi, tick_label
        call print
        mov eax, [lines]
        call print_unsigned
        mov al, 10
        call putc
        jmp .idle

; count: increments counter 1; the vTPM's new count (low 32 bits) in EBX.
count:
        mov dword [buffer + 8], COUNTER
        mov eax, CMD_INCREMENT
        mov ecx, 4
        call tpm
        mov ebx, [buffer + 8]
        ret

tpm:
        push edx
        mov [buffer], eax
        mov [buffer + 4], ecx
        mov dx, TPM_START
        out dx, al
        in eax, dx
        pop edx
        ret

timer_interrupt:
        push eax
        inc dword [ticks]
        mov al, 0x20
        out 0x20, al
        pop eax
        iretd

%include "serial.inc"

ticks:          dd 0
lines:          dd 0
remembered:     dd 0
tick_label:     db "tick ", 0
rollback_label: db "rollback detected: I remember counter ", 0
says_label:     db ", the vTPM says ", 0

define_gdt
define_idt

align 16
buffer:         times BUFFER_SIZE db 0
