; rollback: ticks, and (once you are done) notices when it is rolled back. 'hv exercise show rollback'.

bits 32
org 0x100000

%include "abi.inc"
%include "kernel.inc"

TPM_ADDRESS     equ 0x4C0       ; the vTPM's command buffer: its guest-physical address
TPM_SIZE        equ 0x4C4       ; and its size
TPM_START       equ 0x4C8       ; write: run the command; read: its status
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
        ; TODO: take a first count from the vTPM and remember it.
        start_pit PIT_DIVISOR
        sti
.idle:  hlt
        cmp dword [ticks], TICKS_PER_LINE
        jb .idle
        sub dword [ticks], TICKS_PER_LINE
        ; TODO: increment counter 1; if the vTPM's count is not remembered + 1, say "rollback detected".
        inc dword [lines]
        mov esi, tick_label
        call print
        mov eax, [lines]
        call print_unsigned
        mov al, 10
        call putc
        jmp .idle

; tpm: run command EAX with ECX payload bytes already at buffer + 8; returns the status in EAX,
; the answer is at buffer + 8.
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

define_gdt
define_idt

align 16
buffer:         times BUFFER_SIZE db 0
