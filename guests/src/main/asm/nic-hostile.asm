; nic-hostile: a driver that lies to the paravirtual NIC, to show the VMM checks what it is told.
;
; A VMM that copies frames wherever a guest's descriptors point would let the guest read or
; write memory by proxy: the VMM's own region at 0xFFF00000 (the real GDT it runs the guest on),
; or past the end of the guest's RAM. hvlab's NIC checks every ring and buffer against guest RAM
; (the VMM's one door to it) before it touches anything; each lie below stops the card with an
; error code, which the guest reads, resets, and tries the next one. The VM runs on unharmed.
;
; Expected output:
;   ring in the VMM's region: error 1
;   buffer in the VMM's region: error 4
;   a 64 KiB giant: error 5
;   rings on top of each other: error 3
;   the card is fine after a reset: status 1
; Exit: status 1 (debug exit 0).

bits 32
org 0x100000

%include "abi.inc"

VMM_REGION      equ 0xFFF00000

%macro try 4                            ; label, tx ring, descriptor buffer, descriptor length
        mov dx, NIC_DOORBELL
        mov al, 0x80                    ; reset: rings off, error cleared
        out dx, al
        mov dword [TX_RING], %3
        mov word [TX_RING + 4], %4
        mov word [TX_RING + 6], DESC_OWNED
        mov dx, NIC_TX_RING
        mov eax, %2
        out dx, eax
        mov dx, NIC_TX_SIZE
        mov eax, RING
        out dx, eax
        mov dx, NIC_RX_RING
        mov eax, RX_RING
        out dx, eax
        mov dx, NIC_RX_SIZE
        mov eax, RING
        out dx, eax
        mov dx, NIC_DOORBELL
        mov al, 1                       ; "send": the card reads the descriptor and refuses
        out dx, al
        mov esi, %1
        call print
        mov dx, NIC_ERROR
        in al, dx
        movzx eax, al
        call print_unsigned
        mov al, 10
        call putc
%endmacro

start:
        try in_vmm, VMM_REGION, TX_BUFFERS, 60
        try buffer_vmm, TX_RING, VMM_REGION + 0x100, 60
        try giant, TX_RING, TX_BUFFERS, 0xFFFF
        try overlap, RX_RING + 8, TX_BUFFERS, 60
        mov dx, NIC_DOORBELL
        mov al, 0x80
        out dx, al
        mov esi, fine
        call print
        mov dx, NIC_STATUS
        in al, dx
        movzx eax, al
        call print_unsigned
        mov al, 10
        call putc
        debug_exit 0

%include "serial.inc"
%include "nic.inc"

in_vmm:         db "ring in the VMM's region: error ", 0
buffer_vmm:     db "buffer in the VMM's region: error ", 0
giant:          db "a 64 KiB giant: error ", 0
overlap:        db "rings on top of each other: error ", 0
fine:           db "the card is fine after a reset: status ", 0
