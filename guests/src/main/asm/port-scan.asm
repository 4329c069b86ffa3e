; port-scan: probes 64 UDP ports of 10.0.0.2, the traffic an IDS on a mirror port spots.
;
; One datagram each, as `nmap -sU` begins. It is the traffic an intrusion detection system learns
; to spot: one source trying many destination ports within moments, where an honest client talks
; to a few.
;
; On a network mirrored to the host's IDS (`net mirror NET --to ids`) the port-scan detector
; fires once the source has tried 16 distinct ports within 2 seconds; the alert is an event of
; this VM (`net alerts`, `vm history`, `log show`). The VMM sees all traffic on its switch
; (paper IV.C.11), and nothing the guest does can hide it from the mirror.
;
; Expected output:
;   port-scan: my MAC 52:54:00:xx:xx:xx
;   sent 64 UDP probes to 10.0.0.2, ports 1 to 64
; Exit: status 1 (debug exit 0).

bits 32
org 0x100000

%include "abi.inc"

PORTS           equ 64
IP              equ 14
UDP             equ IP + 20

start:
        call nic_init
        mov esi, hello_label
        call print
        mov esi, my_mac
        call print_mac
        mov al, 10
        call putc
        mov esi, my_mac                 ; from our own address: the switch would drop any other
        mov edi, probe + 6
        movsd
        movsw
        mov esi, probe + IP             ; the IPv4 header's checksum, once: only the ports change
        mov ecx, 20
        call checksum
        mov [probe + IP + 10], ax
        mov ebx, 1
.next:  mov eax, ebx
        xchg al, ah
        mov [probe + UDP + 2], ax       ; destination port, big-endian
        mov esi, probe
        mov ecx, PROBE_LENGTH
        call nic_send
        inc ebx
        cmp ebx, PORTS
        jbe .next
        mov esi, done_label
        call print
        debug_exit 0

%include "serial.inc"
%include "nic.inc"

probe:          db 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF  ; to everyone: we have not asked where 10.0.0.2 is
                times 6 db 0                           ; from: filled in
                db 0x08, 0x00                          ; IPv4
                db 0x45, 0, 0, 32                      ; 20-byte header, total length 32
                db 0, 1, 0x40, 0
                db 64, 17, 0, 0                        ; TTL 64, UDP, checksum
                db 10, 0, 0, 66                        ; from 10.0.0.66
                db 10, 0, 0, 2                         ; to 10.0.0.2
                db 0x9C, 0x40, 0, 0                    ; source port 40000, destination port
                db 0, 12, 0, 0                         ; UDP length 12, no checksum (allowed in IPv4)
                db "scan"
                times 60 - ($ - probe) db 0
PROBE_LENGTH    equ $ - probe
hello_label:    db "port-scan: my MAC ", 0
done_label:     db "sent 64 UDP probes to 10.0.0.2, ports 1 to 64", 10, 0
