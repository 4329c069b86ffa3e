; genid: a guest that notices it was copied or rolled back, by the VM generation ID.
;
; Paper IV.E.1 (loss of uniqueness) and IV.E.3 (monotonicity): after a snapshot is reverted or a
; VM is cloned, two moments of a machine's life can run with the same memory, so the same
; "fresh" random nonce or one-time key is used twice. Real hardware gives the guest a way to
; notice: the VM Generation ID (Microsoft's specification; QEMU's vmgenid device), 128 bits the
; hypervisor changes at every revert or copy. hvlab exposes it on ports 0x4E0-0x4EF.
;
; Like counter, it prints a line every ten ticks of a 100 Hz timer. Before each line it reads
; the generation ID and compares it with the one it remembers; when they differ, it says so and
; starts a new session (here just a number; a real guest would reseed its random generator and
; drop its nonces and session keys).
;
; Expected output:
;   generation 1A2B3C4D..., session 1
;   session 1 count 1
;   session 1 count 2
;   ...
;   generation changed (copied or rolled back): now 5E6F7A8B..., session 2
;   session 2 count 7        (the count comes from the snapshot's memory; the session does not)
; Exit: none; it runs until it is stopped.

bits 32
org 0x100000

%include "abi.inc"
%include "kernel.inc"

GENID_PORT      equ 0x4E0       ; 16 read-only bytes
PIT_DIVISOR     equ 11932       ; 100 Hz
TICKS_PER_LINE  equ 10

start:
        load_kernel_segments
        set_gate 0x20, timer_interrupt, 0x8E
        lidt [idt_descriptor]
        remap_pic 0x0001

        start_pit PIT_DIVISOR

        call read_generation
        call remember_generation
        inc dword [session]
        mov esi, first_label
        call print
        call print_generation

        sti
.idle:  hlt
        cmp dword [ticks], TICKS_PER_LINE
        jb .idle
        sub dword [ticks], TICKS_PER_LINE
        call read_generation
        call generation_changed
        jz .same
        call remember_generation
        inc dword [session]
        mov esi, changed_label
        call print
        call print_generation
.same:  inc dword [count]
        mov esi, session_label
        call print
        mov eax, [session]
        call print_unsigned
        mov esi, count_label
        call print
        mov eax, [count]
        call print_unsigned
        mov al, 10
        call putc
        jmp .idle

; read_generation: the 16 bytes of the ID into [seen], one IN per byte.
read_generation:
        pushad
        mov dx, GENID_PORT
        mov edi, seen
        mov ecx, 16
.byte:  in al, dx
        stosb
        inc dx
        loop .byte
        popad
        ret

; generation_changed: ZF clear when [seen] differs from [known].
generation_changed:
        pushad
        mov esi, seen
        mov edi, known
        mov ecx, 16
        repe cmpsb
        popad
        ret

remember_generation:
        pushad
        mov esi, seen
        mov edi, known
        mov ecx, 16
        rep movsb
        popad
        ret

; print_generation: "XXXXXXXX..., session N" and a newline (the ID's first four bytes suffice to see it change).
print_generation:
        mov eax, [known]
        bswap eax               ; the bytes in the order the ports give them
        call print_hex
        mov esi, dots_label
        call print
        mov eax, [session]
        call print_unsigned
        mov al, 10
        call putc
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
count:          dd 0
session:        dd 0
seen:           times 16 db 0
known:          times 16 db 0
first_label:    db "generation ", 0
changed_label:  db "generation changed (copied or rolled back): now ", 0
dots_label:     db "..., session ", 0
session_label:  db "session ", 0
count_label:    db " count ", 0

define_gdt
define_idt
