; net-ping: pings 10.0.0.2 through the paravirtual NIC and prints each reply.
;
; It sends ICMP echo requests, as ping does. Run it beside net-echo on one host network:
;
;   net create lan
;   vm create echo --guest net-echo --net lan
;   vm create ping --guest net-ping --net lan
;   vm start echo
;   vm start ping
;
; The frames are real IPv4: 10.0.0.1 asks 10.0.0.2, Ethernet type 0x0800, ICMP type 8, with the
; header checksums computed as RFC 791 and 792 say, so `net capture` files open in tcpdump and
; Wireshark as ordinary pings. The first request goes to the broadcast address (a real stack
; would ARP first); the switch floods it to every port of the network, the echo answers, and
; from then on the switch has learnt where both addresses are. Each request is sent again every
; half second (100 Hz timer) until a reply comes, so the peer may boot after us; after a reply
; the next request goes 0.2 s after the last (ping -i 0.2), so a capture started meanwhile sees some.
;
; Expected output:
;   net-ping: my MAC 52:54:00:xx:xx:xx
;   reply from 10.0.0.2 (52:54:00:yy:yy:yy): seq 1, 98 bytes
;   reply from 10.0.0.2 (52:54:00:yy:yy:yy): seq 2, 98 bytes
;   reply from 10.0.0.2 (52:54:00:yy:yy:yy): seq 3, 98 bytes
;   3 replies
; Exit: status 1 (debug exit 0) after three replies; status 3 (debug exit 1) if 40 tries go unanswered.
; A VM on another private network never hears the request: it prints nothing but its MAC and gives up.

bits 32
org 0x100000

%include "abi.inc"
%include "kernel.inc"

TRIES           equ 40
PIT_DIVISOR     equ 11932           ; 100 Hz
ETHER           equ 14
IP              equ ETHER
ICMP            equ IP + 20
FRAME           equ ICMP + 8 + 56   ; 98 bytes, as ping sends

; The header B14_Network patches (BenchGuest reads it): how many pings, how many ticks between
; them, and whether to print each reply. As shipped: 3 pings, 0.2 s apart, each one printed.
        jmp short start
        align 4
        db "BNCH"
pings:  dd 3
        dd 1                            ; per iteration: one round trip
interval:
        dd 20                           ; ticks between requests
quiet:  dd 0

start:
        load_kernel_segments
        set_gate 0x20, timer_interrupt, 0x8E
        set_gate NIC_VECTOR, nic_interrupt, 0x8E
        lidt [idt_descriptor]
        remap_pic NIC_IRQ_MASK | 1
        start_pit PIT_DIVISOR
        call nic_init
        mov esi, hello_label
        call print
        mov esi, my_mac
        call print_mac
        mov al, 10
        call putc
        sti

.next:  inc dword [seq]
        mov eax, [pings]
        cmp [seq], eax
        ja .done
        mov dword [tries], 0
.send:  call build_request
        mov esi, request
        mov ecx, FRAME
        call nic_send
        mov dword [ticks], 0
.wait:  cli                             ; look with interrupts off, then STI; HLT (see net-echo)
        call nic_receive
        jnc .got
        cmp dword [ticks], 50
        jae .again
        sti
        hlt
        jmp .wait
.again: sti
        inc dword [tries]
        cmp dword [tries], TRIES
        jb .send
        mov esi, silence_label
        call print
        debug_exit 1

.got:   sti
        call is_our_reply
        jne .skip
        mov edi, peer_mac               ; unicast from now on: we know where 10.0.0.2 is
        push esi
        add esi, 6
        movsd
        movsw
        pop esi
        cmp dword [quiet], 0
        jne .quietly
        push esi
        mov esi, reply_label
        call print
        mov esi, peer_mac
        call print_mac
        mov esi, seq_label
        call print
        mov eax, [seq]
        call print_unsigned
        mov esi, bytes_label
        call print
        mov eax, ecx
        call print_unsigned
        mov esi, bytes_end
        call print
        pop esi
.quietly:
        call nic_release
.pause: mov eax, [interval]
        cmp [ticks], eax                ; one request every 0.2 s, as ping -i 0.2
        jae .next
        jae .next
        hlt
        jmp .pause
.skip:  call nic_release
        jmp .wait

.done:  mov eax, [pings]
        call print_unsigned
        mov esi, done_label
        call print
        debug_exit 0

; is_our_reply: ZF set if the frame at ESI (ECX bytes) is an ICMP echo reply to our current seq.
is_our_reply:
        cmp ecx, FRAME
        jb .no
        cmp word [esi + 12], 0x0008     ; EtherType 0x0800 (IPv4), stored big-endian
        jne .no
        cmp byte [esi + IP + 9], 1      ; protocol ICMP
        jne .no
        cmp byte [esi + ICMP], 0        ; echo reply
        jne .no
        mov eax, [seq]
        xchg al, ah
        cmp word [esi + ICMP + 6], ax
        ret
.no:    or esp, esp                     ; ZF clear (ESP is never 0)
        ret

; build_request: the frame in [request]: to peer_mac, from my_mac, with this seq and both checksums.
build_request:
        pushad
        mov esi, peer_mac
        mov edi, request
        movsd
        movsw
        mov esi, my_mac
        movsd
        movsw
        mov word [request + IP + 10], 0
        mov esi, request + IP
        mov ecx, 20
        call checksum
        mov [request + IP + 10], ax
        mov eax, [seq]
        xchg al, ah
        mov [request + ICMP + 6], ax
        mov word [request + ICMP + 2], 0
        mov esi, request + ICMP
        mov ecx, FRAME - ICMP
        call checksum
        mov [request + ICMP + 2], ax
        popad
        ret

timer_interrupt:
        push eax
        inc dword [ticks]
        mov al, 0x20
        out 0x20, al
        pop eax
        iretd

%include "serial.inc"
%include "nic.inc"

ticks:          dd 0
seq:            dd 0
tries:          dd 0
peer_mac:       db 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF
request:        times 12 db 0                          ; destination and source, filled in
                db 0x08, 0x00                          ; IPv4
                db 0x45, 0, 0, FRAME - IP              ; version 4, 20-byte header, total length 84
                db 0, 1, 0x40, 0                       ; id 1, don't fragment
                db 64, 1, 0, 0                         ; TTL 64, ICMP, checksum
                db 10, 0, 0, 1                         ; from 10.0.0.1
                db 10, 0, 0, 2                         ; to 10.0.0.2
                db 8, 0, 0, 0                          ; echo request, code 0, checksum
                db 0x48, 0x56, 0, 0                    ; identifier 'HV', sequence
payload:        db "hvlab ping: 56 bytes of payload, as the classic ping"
                times 56 - ($ - payload) db '.'
hello_label:    db "net-ping: my MAC ", 0
reply_label:    db "reply from 10.0.0.2 (", 0
seq_label:      db "): seq ", 0
bytes_label:    db ", ", 0
bytes_end:      db " bytes", 10, 0
done_label:     db " replies", 10, 0
silence_label:  db "no reply from 10.0.0.2", 10, 0

define_gdt
define_idt
