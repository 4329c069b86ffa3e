; arp-spoof: forges its source MAC to claim another machine's IPv4 address; the switch drops it.
;
; Taking over another machine's IPv4 address is the first step of a man-in-the-middle attack. This
; guest sends gratuitous ARP replies ("10.0.0.2 is at 52:54:00:66:66:66") from a forged Ethernet
; source address, so that the switch and every host that believes them would send 10.0.0.2's
; traffic to the forger.
;
; The host's switch holds each port to the MAC address its host gave the VM (port security, as
; Open vSwitch and every managed switch offer): all three frames are dropped, and the drop is an
; event in this VM's history and the host's secure log (`vm history`, `log show`). The guest
; cannot tell: sending looks exactly as it would if the frames had gone out.
;
; Expected output:
;   arp-spoof: my MAC 52:54:00:xx:xx:xx
;   claimed 10.0.0.2 three times from the forged address 52:54:00:66:66:66
; Exit: status 1 (debug exit 0).

bits 32
org 0x100000

%include "abi.inc"

start:
        call nic_init
        mov esi, hello_label
        call print
        mov esi, my_mac
        call print_mac
        mov al, 10
        call putc
        mov ebx, 3
.send:  mov esi, forged
        mov ecx, FORGED_LENGTH
        call nic_send
        dec ebx
        jnz .send
        mov esi, done_label
        call print
        mov esi, forged + 6
        call print_mac
        mov al, 10
        call putc
        debug_exit 0

%include "serial.inc"
%include "nic.inc"

forged:         db 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF  ; to everyone
                db 0x52, 0x54, 0x00, 0x66, 0x66, 0x66  ; "from" an address that is not ours
                db 0x08, 0x06                          ; ARP (RFC 826)
                db 0, 1, 0x08, 0x00, 6, 4              ; Ethernet, IPv4, address lengths
                db 0, 2                                ; a reply nobody asked for: gratuitous
                db 0x52, 0x54, 0x00, 0x66, 0x66, 0x66  ; sender's MAC: the forged one
                db 10, 0, 0, 2                         ; sender's IPv4: the victim's
                db 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF
                db 10, 0, 0, 2
                times 60 - ($ - forged) db 0           ; padded to Ethernet's 60-byte minimum
FORGED_LENGTH   equ $ - forged
hello_label:    db "arp-spoof: my MAC ", 0
done_label:     db "claimed 10.0.0.2 three times from the forged address ", 0
