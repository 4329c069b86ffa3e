; net-echo: answers the pings (ICMP echo requests) that reach it through the paravirtual NIC.
;
; It waits for frames on the paravirtual NIC (halted until IRQ 11), and turns each ICMP echo
; request into a reply and sends it back: the Ethernet addresses swapped (the reply goes to
; whoever asked, from our own address: the switch drops any other source), the IPv4 addresses
; swapped, type 8 made 0, the ICMP checksum computed again. The IPv4 header checksum stays right:
; swapping two words does not change a ones'-complement sum. Any other frame is counted and
; ignored (answering everything would make two echoes talk for ever).
;
; Expected output (with net-ping on the same network):
;   net-echo: my MAC 52:54:00:yy:yy:yy
;   echo reply to 52:54:00:xx:xx:xx, 98 bytes
;   echo reply to 52:54:00:xx:xx:xx, 98 bytes
;   echo reply to 52:54:00:xx:xx:xx, 98 bytes
; Exit: none; it answers until it is stopped.

bits 32
org 0x100000

%include "abi.inc"
%include "kernel.inc"

IP              equ 14

; The header B14_Network patches: quiet (offset 20) stops the line printed for each reply, so
; that a round trip measures the network and not the console.
        jmp short start
        align 4
        db "BNCH"
        dd 0                            ; iterations: it answers until it is stopped
        dd 1                            ; per iteration: one reply
        dd 0
quiet:  dd 0

start:
        load_kernel_segments
        set_gate NIC_VECTOR, nic_interrupt, 0x8E
        lidt [idt_descriptor]
        remap_pic NIC_IRQ_MASK          ; no timer: only the NIC wakes it
        call nic_init
        mov esi, hello_label
        call print
        mov esi, my_mac
        call print_mac
        mov al, 10
        call putc
; Look at the ring with interrupts off, then STI; HLT: the instruction after STI runs before any
; interrupt (the "interrupt shadow", which hvlab's VMM keeps), so a frame that lands between the
; look and the HLT still wakes us. With STI first, its interrupt could come and go before the
; HLT, and we would sleep beside a full ring.
.wait:  cli
        call nic_receive
        jnc .got
        sti
        hlt
        jmp .wait
.got:   sti
        call answer
        call nic_release
        jmp .wait

; answer: the frame at ESI (ECX bytes): if it is an echo request, send the reply.
answer:
        pushad
        cmp ecx, IP + 28
        jb .ignore
        cmp word [esi + 12], 0x0008     ; IPv4
        jne .ignore
        cmp byte [esi + IP + 9], 1      ; ICMP
        jne .ignore
        movzx ebx, byte [esi + IP]
        and ebx, 0x0F
        shl ebx, 2                      ; the IPv4 header's length: IHL words of 4 bytes
        cmp byte [esi + IP + ebx], 8    ; echo request
        jne .ignore
        mov edi, reply                  ; work on our own copy
        push ecx
        push esi
        rep movsb
        pop esi
        pop ecx
        mov eax, [esi + 6]              ; to: the asker's address
        mov [reply], eax
        mov ax, [esi + 10]
        mov [reply + 4], ax
        mov eax, [my_mac]               ; from: ours
        mov [reply + 6], eax
        mov ax, [my_mac + 4]
        mov [reply + 10], ax
        mov eax, [esi + IP + 12]        ; swap the IPv4 addresses
        mov edx, [esi + IP + 16]
        mov [reply + IP + 12], edx
        mov [reply + IP + 16], eax
        lea edi, [reply + IP + ebx]     ; the ICMP message
        mov byte [edi], 0               ; echo reply
        mov word [edi + 2], 0
        push ecx
        sub ecx, IP
        sub ecx, ebx
        and ecx, ~1                     ; an even length (a real stack pads; our pings are even)
        mov esi, edi
        call checksum
        mov [edi + 2], ax
        pop ecx
        mov esi, reply
        call nic_send
        cmp dword [quiet], 0
        jne .sent
        mov esi, answered_label
        call print
        mov esi, reply
        call print_mac
        mov esi, bytes_label
        call print
        mov eax, ecx
        call print_unsigned
        mov esi, bytes_end
        call print
.sent:  popad
        ret
.ignore:
        inc dword [ignored]
        popad
        ret

%include "serial.inc"
%include "nic.inc"

ignored:        dd 0
hello_label:    db "net-echo: my MAC ", 0
answered_label: db "echo reply to ", 0
bytes_label:    db ", ", 0
bytes_end:      db " bytes", 10, 0
align 4
reply:          times 1514 db 0

define_gdt
define_idt
