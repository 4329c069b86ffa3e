; covert-send: leaks a secret to another VM through nothing but its use of the shared CPU.
;
; The sender and the receiver share no device and no network (paper IV.C.3: isolation). They do
; share the host's CPU. Every 200 ms window (4 ticks of its 20 Hz timer) the sender sends one bit:
; 1 = compute for the whole window, 0 = halt until the window ends. A receiver on the same CPU
; sees its own progress drop while the sender computes (covert-recv). The message, repeated:
; the preamble 10101010, then the bytes 'h' 'v' (0x68 0x76), 24 bits, most significant first.
; The mitigation ('vm create ... --cap'): give each VM a fixed share it cannot exceed even when
; the CPU is idle (non-work-conserving), and the receiver's progress no longer depends on the sender.
;
; Exit: never (a VM to stop with 'vm poweroff').

bits 32
org 0x100000

%include "abi.inc"
%include "kernel.inc"

PIT_DIVISOR     equ 59659        ; 20 Hz
TICKS_PER_BIT   equ 4            ; 200 ms a bit
MESSAGE         equ 0xAA6876     ; preamble 0xAA, then 'h' 'v'
MESSAGE_BITS    equ 24

start:
        load_kernel_segments
        set_gate 0x20, timer_interrupt, 0x8E
        lidt [idt_descriptor]
        remap_pic 0x0001
        start_pit PIT_DIVISOR
        mov esi, hello
        call print
        sti

.bit:   mov ecx, [bit_index]     ; the bit to send: MESSAGE >> (23 - index)
        mov eax, MESSAGE
        mov ebx, MESSAGE_BITS - 1
        sub ebx, ecx
        xchg ecx, ebx
        shr eax, cl
        and eax, 1
        mov ebx, [ticks]
        add ebx, TICKS_PER_BIT   ; the window ends here
        test eax, eax
        jz .zero
.one:   cmp [ticks], ebx         ; 1: compute until the window ends
        jb .one
        jmp .next
.zero:  hlt                      ; 0: sleep until the window ends
        cmp [ticks], ebx
        jb .zero
.next:  mov eax, [bit_index]
        inc eax
        cmp eax, MESSAGE_BITS
        jb .keep
        xor eax, eax
.keep:  mov [bit_index], eax
        jmp .bit

timer_interrupt:
        push eax
        inc dword [ticks]
        mov al, 0x20
        out 0x20, al
        pop eax
        iretd

%include "serial.inc"

ticks:     dd 0
bit_index: dd 0
hello:     db "covert-send: 10101010 01101000 01110110, one bit per 200 ms, by using the CPU or not", 10, 0

define_gdt
define_idt
