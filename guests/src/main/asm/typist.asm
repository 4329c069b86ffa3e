; typist: keyboard input over the serial line, interrupt-driven.
;
; The kernel sets COM1 up the way a driver does: 8 data bits, no parity, one stop bit (LCR),
; FIFOs on (FCR), DTR, RTS and OUT2 (MCR: on a real PC, OUT2 connects the UART's interrupt to
; the bus), and the received-data interrupt (IER bit 0). Each byte typed on the host lands in
; the UART's receive FIFO and raises IRQ4; the handler reads bytes while the line status
; register says data is ready (LSR bit 0), because one interrupt may announce several bytes:
; the line stays high until the FIFO is empty, and an edge-triggered PIC sees one edge only.
; Every byte is echoed; a line that reads "quit" ends the VM.
;
; Expected output, after "hello\nquit\n" was typed:
;   typist: type a line; "quit" ends
;   > hello
;   > quit
;   typist: bye
; Exit: debug exit 0 (status 1).

bits 32
org 0x100000

%include "abi.inc"
%include "kernel.inc"

LINE_MAX equ 64

start:
        load_kernel_segments
        set_gate 0x24, serial_interrupt, 0x8E   ; IRQ4 at vector 0x20 + 4
        lidt [idt_descriptor]
        remap_pic 0x0010        ; only IRQ4, COM1

        mov dx, COM1 + 3
        mov al, 0x03            ; LCR: 8N1
        out dx, al
        mov dx, COM1 + 2
        mov al, 0x07            ; FCR: FIFOs on, both emptied
        out dx, al
        mov dx, COM1 + 4
        mov al, 0x0B            ; MCR: DTR, RTS, OUT2
        out dx, al
        mov dx, COM1 + 1
        mov al, 0x01            ; IER: interrupt when data is received
        out dx, al

        mov esi, banner
        call print
        mov esi, prompt
        call print
        sti
.idle:  hlt
        cmp byte [quit], 0
        je .idle

        cli
        mov esi, bye
        call print
        debug_exit 0

serial_interrupt:
        pushad
.next:  mov dx, COM1_LSR
        in al, dx
        test al, 0x01           ; LSR bit 0: a byte is waiting
        jz .done
        mov dx, COM1
        in al, dx               ; RBR: take it
        call typed
        jmp .next
.done:  mov al, 0x20            ; EOI
        out 0x20, al
        popad
        iretd

; typed: one byte in AL. Echo it, collect it, and act at the end of a line (CR, LF or CR LF).
typed:
        cmp al, 10
        jne .not_lf
        cmp byte [after_cr], 0
        mov byte [after_cr], 0
        jne .return             ; the LF of a CR LF: the line has ended already
        jmp .end_of_line
.not_lf:
        mov byte [after_cr], 0
        cmp al, 13
        jne .ordinary
        mov byte [after_cr], 1
        jmp .end_of_line
.ordinary:
        call putc
        mov ecx, [length]
        cmp ecx, LINE_MAX
        jae .return             ; a line too long to be "quit": keep echoing, stop collecting
        mov [line + ecx], al
        inc dword [length]
.return:
        ret
.end_of_line:
        mov al, 10
        call putc
        cmp dword [length], 4
        jne .again
        cmp dword [line], 'quit'
        jne .again
        mov byte [quit], 1
        ret
.again: mov dword [length], 0
        mov esi, prompt
        call print
        ret

%include "serial.inc"

quit:     db 0
after_cr: db 0
length:   dd 0
line:     times LINE_MAX db 0
banner:   db 'typist: type a line; "quit" ends', 10, 0
prompt:   db "> ", 0
bye:      db "typist: bye", 10, 0

define_gdt
define_idt
