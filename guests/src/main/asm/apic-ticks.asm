; apic-ticks: the interrupt hardware of xv6's PC, as xv6 sets it up: the 8259s masked, the local
; APIC's timer at 100 Hz (periodic, vector 32), the I/O APIC routing the keyboard (IRQ 1, vector
; 33) and COM1 (IRQ 4, vector 36) to it, an EOI to the local APIC after each. Every APIC access
; is a load or store to device memory (0xFEE00000, 0xFEC00000): a VM exit the VMM counts as mmio.
; It shows the seconds on COM1 and on the CGA text screen (0xB8000, 'vm screen'), and echoes what
; is typed (COM1, or the keyboard of a VM made with --keyboard) to both. Needs an APIC machine:
; 'hv run' and 'vm create' give it one (GUESTS.md, "APICs and the MP table").
;
; Expected output: "APIC version 00050014", then "second 1" ... "second 30", one a line, and
; "30 seconds of APIC timer interrupts: done". Exit: debug exit 0 (status 1).

bits 32
org 0x100000

%include "abi.inc"
%include "kernel.inc"

LAPIC    equ 0xFEE00000
IOAPIC   equ 0xFEC00000
SCREEN   equ 0xB8000
SECONDS  equ 30
TYPED_AT equ 3 * 80               ; typed text starts on the screen's fourth line

start:
        load_kernel_segments
        set_gate 32, timer, 0x8E
        set_gate 33, keyboard, 0x8E
        set_gate 36, uart, 0x8E
        set_gate 63, spurious, 0x8E
        lidt [idt_descriptor]
        mov al, 0xFF                      ; picinit: both 8259s masked for good
        out 0x21, al
        out 0xA1, al
        ; lapicinit, register by register as xv6's lapic.c writes them
        mov dword [LAPIC + 0xF0], 0x100 | 63      ; SVR: enable, spurious vector 63
        mov dword [LAPIC + 0x3E0], 0xB            ; timer divide by 1
        mov dword [LAPIC + 0x320], 0x20000 | 32   ; timer periodic, vector 32
        mov dword [LAPIC + 0x380], 10000000       ; 10 ms at the 1 GHz bus
        mov dword [LAPIC + 0x350], 0x10000        ; LINT0 masked (the 8259s)
        mov dword [LAPIC + 0x360], 0x10000        ; LINT1 masked
        mov dword [LAPIC + 0x370], 51             ; errors on vector 51
        mov dword [LAPIC + 0x280], 0              ; clear ESR (written twice, as the SDM asks)
        mov dword [LAPIC + 0x280], 0
        mov dword [LAPIC + 0xB0], 0               ; ack anything outstanding
        mov dword [LAPIC + 0x80], 0               ; TPR 0: take every interrupt
        ; ioapicenable(IRQ_KBD, 0) and ioapicenable(IRQ_COM1, 0): edge, active high, to APIC 0
        mov dword [IOAPIC], 0x10 + 2 * 1
        mov dword [IOAPIC + 0x10], 33
        mov dword [IOAPIC], 0x11 + 2 * 1
        mov dword [IOAPIC + 0x10], 0
        mov dword [IOAPIC], 0x10 + 2 * 4
        mov dword [IOAPIC + 0x10], 36
        mov dword [IOAPIC], 0x11 + 2 * 4
        mov dword [IOAPIC + 0x10], 0
        mov dx, COM1 + 1                  ; uartinit: interrupt on received data
        mov al, 1
        out dx, al
        mov edi, SCREEN                   ; a clear screen, light grey on black
        mov ecx, 80 * 25
        mov ax, 0x0720
        rep stosw
        mov esi, banner
        call print
        mov eax, [LAPIC + 0x30]
        call print_hex
        mov al, 10
        call putc
        mov esi, title
        mov edi, SCREEN
        call screen_text
        sti
.idle:  hlt
        cmp dword [seconds], SECONDS
        jb .idle
        cli
        mov esi, done
        call print
        debug_exit 0

timer:  pushad
        inc dword [ticks]
        cmp dword [ticks], 100
        jb .eoi
        mov dword [ticks], 0
        inc dword [seconds]
        mov esi, second
        call print
        mov eax, [seconds]
        call print_unsigned
        mov al, 10
        call putc
        mov esi, uptime                   ; and on the screen's second line
        mov edi, SCREEN + 2 * 80
        call screen_text
        mov eax, [seconds]
        call screen_number
.eoi:   mov dword [LAPIC + 0xB0], 0
        popad
        iretd

uart:   pushad
.more:  mov dx, COM1_LSR
        in al, dx
        test al, 1
        jz .eoi
        mov dx, COM1
        in al, dx
        call echo
        jmp .more
.eoi:   mov dword [LAPIC + 0xB0], 0
        popad
        iretd

; keyboard: scancode set 1, make codes only, letters, digits, space and Enter (kbd.c does the rest)
keyboard:
        pushad
.more:  in al, 0x64
        test al, 1
        jz .eoi
        in al, 0x60
        cmp al, 0x3A
        jae .more                         ; a break code, or a key we do not decode
        movzx eax, al
        mov al, [keymap + eax]
        test al, al
        jz .more
        call echo
        jmp .more
.eoi:   mov dword [LAPIC + 0xB0], 0
        popad
        iretd

spurious:
        iretd

; echo: AL to COM1 and to the screen at the cursor, which the 6845's registers 14-15 show
echo:   call putc
        pushad
        mov ebx, [cursor]
        cmp al, 13
        je .newline
        cmp al, 10
        jne .char
.newline:
        mov eax, ebx
        xor edx, edx
        mov ecx, 80
        div ecx
        inc eax
        mul ecx
        mov ebx, eax
        jmp .move
.char:  mov ah, 0x07
        mov [SCREEN + ebx * 2], ax
        inc ebx
.move:  cmp ebx, 80 * 25
        jb .set
        mov ebx, TYPED_AT                 ; the bottom reached: start again under the clock
.set:   mov [cursor], ebx
        mov dx, 0x3D4
        mov al, 14
        out dx, al
        inc dx
        mov al, bh
        out dx, al
        dec dx
        mov al, 15
        out dx, al
        inc dx
        mov al, bl
        out dx, al
        popad
        ret

; screen_text: the zero-terminated string at ESI to the screen at EDI; EDI ends after it
screen_text:
        push eax
        mov ah, 0x07
.next:  lodsb
        test al, al
        jz .done
        stosw
        jmp .next
.done:  pop eax
        ret

; screen_number: EAX in decimal to the screen at EDI, then " s"
screen_number:
        pushad
        mov ecx, 10
        xor ebx, ebx
.split: xor edx, edx
        div ecx
        push edx
        inc ebx
        test eax, eax
        jnz .split
.emit:  pop eax
        add al, '0'
        mov ah, 0x07
        stosw
        dec ebx
        jnz .emit
        mov dword [edi], 0x07730720       ; " s"
        popad
        ret

%include "serial.inc"

ticks:   dd 0
seconds: dd 0
cursor:  dd TYPED_AT
banner:  db "APIC version ", 0
second:  db "second ", 0
title:   db "apic-ticks: the local APIC's timer, the I/O APIC's keyboard and COM1", 0
uptime:  db "uptime ", 0
done:    db "30 seconds of APIC timer interrupts: done", 10, 0
keymap:  db 0, 0, "1234567890", 0, 0, 0, 0, "qwertyuiop", 0, 0, 10, 0, "asdfghjkl", 0, 0, 0, 0, 0
         db "zxcvbnm", 0, 0, 0, 0, 0, 0, " "

define_gdt
define_idt
