; measured: a guest that uses its vTPM (TPM.md) the three ways trusted computing is for.
;
; Paper IV.A.2 and IV.C.8: the VMM measured this image into PCR 4 and the VM's configuration
; into PCR 5 before this first instruction ran. This guest then:
;   1. measures something itself: it folds its own code into 32 bytes and extends PCR 10 with
;      them (a real kernel would hash the next program before running it, as Linux IMA does);
;   2. asks for a quote over PCR 4, 5 and 10 with a nonce it is given (a line typed on COM1
;      within the first moments; without one it takes random bytes from the vTPM) and prints
;      the signature, for a verifier;
;   3. keeps a secret only its untouched image can read: on its first boot it seals random
;      bytes to PCRs 4 and 5 and keeps the blob in the vTPM's NV storage; on every later boot it
;      unseals them. Change one byte of the image and PCR 4 changes: the vTPM refuses (status 4,
;      TPM_RC_POLICY_FAIL);
;   4. notices rollback: ten times a second it increments a monotonic counter and compares it
;      with the count it keeps in memory. Revert the VM to a snapshot and its memory goes back,
;      but the counter does not (it lives outside every snapshot): "rollback detected".
;
; Expected output (first boot, then a later one):
;   nonce: <the line typed, or random>
;   quote: pcr digest 1A2B3C4D...(32 bytes), signature 3045022100...(DER)
;   sealed a new secret: 0123456789ABCDEF...      (later boots: "unsealed my secret: ...")
;   tick 1 (counter 2)
;   ...
;   rollback detected: I remember counter 12, the vTPM says 31
; Exit: none; it runs until it is stopped.

bits 32
org 0x100000

%include "abi.inc"
%include "kernel.inc"

TPM_ADDRESS     equ 0x4C0       ; guest-physical address of the command buffer
TPM_SIZE        equ 0x4C4       ; its size
TPM_START       equ 0x4C8       ; write: run; read: status
BUFFER_SIZE     equ 512
CMD_EXTEND      equ 1
CMD_QUOTE       equ 3
CMD_SEAL        equ 4
CMD_UNSEAL      equ 5
CMD_INCREMENT   equ 7
CMD_RANDOM      equ 8
CMD_NV_WRITE    equ 9
CMD_NV_READ     equ 10
SECRET_INDEX    equ 1           ; the NV index that keeps the sealed blob
COUNTER         equ 1
PCR_GUEST       equ 10
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

; 1. Measure our own code into PCR 10: XOR-fold start..code_end into 32 bytes.
        mov edi, fold
        mov esi, start
        xor ebx, ebx
.fold:  mov al, [esi]
        xor [edi + ebx], al
        inc ebx
        and ebx, 31
        inc esi
        cmp esi, code_end
        jb .fold
        mov dword [buffer + 8], PCR_GUEST
        mov esi, fold
        mov edi, buffer + 12
        mov ecx, 32
        rep movsb
        mov eax, CMD_EXTEND
        mov ecx, 36
        call tpm

; 2. A quote over PCRs 4, 5 and 10 with the nonce we are given.
        call read_nonce
        mov esi, nonce_label
        call print
        mov esi, nonce
        mov ecx, [nonce_length]
.show:  lodsb
        call putc
        loop .show
        mov al, 10
        call putc
        mov dword [buffer + 8], (1 << 4) | (1 << 5) | (1 << PCR_GUEST)
        mov esi, nonce
        mov edi, buffer + 12
        mov ecx, [nonce_length]
        rep movsb
        mov ecx, [nonce_length]
        add ecx, 4
        mov eax, CMD_QUOTE
        call tpm
        mov esi, quote_label
        call print
        mov esi, buffer + 8
        mov ecx, 32
        call print_bytes
        mov esi, signature_label
        call print
        mov ecx, [buffer + 8 + 32]      ; the signature's length
        mov esi, buffer + 8 + 36
        call print_bytes
        mov al, 10
        call putc

; 3. The sealed secret: unseal it if we have one, else make and seal one.
        mov dword [buffer + 8], SECRET_INDEX
        mov eax, CMD_NV_READ
        mov ecx, 4
        call tpm
        test eax, eax
        jnz .first_boot
        mov ecx, [buffer + 4]           ; the blob, already in the payload's place
        mov esi, buffer + 8
        mov edi, buffer + 8
        mov eax, CMD_UNSEAL
        call tpm
        test eax, eax
        jnz .refused
        mov esi, unsealed_label
        call print
        mov esi, buffer + 8
        mov ecx, 16
        call print_bytes
        jmp .secret_done
.refused:
        mov esi, refused_label
        call print
        call print_unsigned
        mov al, ')'
        call putc
        jmp .secret_done
.first_boot:
        mov dword [buffer + 8], 16
        mov eax, CMD_RANDOM
        mov ecx, 4
        call tpm
        mov esi, buffer + 8             ; the 16 random bytes: our secret
        mov edi, secret
        mov ecx, 16
        rep movsb
        mov dword [buffer + 8], (1 << 4) | (1 << 5)
        mov esi, secret
        mov edi, buffer + 12
        mov ecx, 16
        rep movsb
        mov eax, CMD_SEAL
        mov ecx, 20
        call tpm
        mov ecx, [buffer + 4]           ; the blob's length; move it behind an NV index
        lea esi, [buffer + 8 + ecx - 1]
        lea edi, [buffer + 12 + ecx - 1]
        std
        rep movsb
        cld
        mov ecx, [buffer + 4]
        add ecx, 4
        mov dword [buffer + 8], SECRET_INDEX
        mov eax, CMD_NV_WRITE
        call tpm
        mov esi, sealed_label
        call print
        mov esi, secret
        mov ecx, 16
        call print_bytes
.secret_done:
        mov al, 10
        call putc

; 4. Ten times a second: the monotonic counter against our own memory of it. The first
;    increment comes before the clock starts, so that from the first tick on there is always a
;    remembered count to compare with: a snapshot taken at any tick can be caught.
        call count
        mov [remembered], ebx
        start_pit PIT_DIVISOR
        sti
.idle:  hlt
        cmp dword [ticks], TICKS_PER_LINE
        jb .idle
        sub dword [ticks], TICKS_PER_LINE
        call count
        mov eax, [remembered]
        inc eax
        cmp eax, ebx
        je .agree
        mov esi, rollback_label
        call print
        mov eax, [remembered]
        call print_unsigned
        mov esi, says_label
        call print
        mov eax, ebx
        call print_unsigned
        mov al, 10
        call putc
.agree: mov [remembered], ebx
        inc dword [lines]
        mov esi, tick_label
        call print
        mov eax, [lines]
        call print_unsigned
        mov esi, counter_label
        call print
        mov eax, ebx
        call print_unsigned
        mov al, ')'
        call putc
        mov al, 10
        call putc
        jmp .idle

; count: increments the monotonic counter; returns the vTPM's count (low 32 bits) in EBX.
count:
        mov dword [buffer + 8], COUNTER
        mov eax, CMD_INCREMENT
        mov ecx, 4
        call tpm
        mov ebx, [buffer + 8]
        ret

; tpm: run command EAX with ECX payload bytes already at buffer + 8; returns the status in EAX.
tpm:
        push edx
        mov [buffer], eax
        mov [buffer + 4], ecx
        mov dx, TPM_START
        out dx, al
        in eax, dx
        pop edx
        ret

; read_nonce: a line from COM1 (at most 15 bytes) into nonce; if none comes soon, 16 random bytes.
read_nonce:
        pushad
        mov edi, nonce
        xor ecx, ecx
        mov ebx, 20000                  ; polls before we give up waiting
.poll:  mov dx, COM1_LSR
        in al, dx
        test al, 1
        jnz .byte
        dec ebx
        jnz .poll
        test ecx, ecx
        jnz .done
        mov dword [buffer + 8], 16      ; nobody typed: a random nonce, shown as 16 letters
        mov eax, CMD_RANDOM
        mov ecx, 4
        call tpm
        mov esi, buffer + 8
        mov edi, nonce
        mov ecx, 16
.letter:
        lodsb
        and al, 15
        add al, 'a'
        stosb
        loop .letter
        mov ecx, 16
        jmp .done
.byte:  mov dx, COM1
        in al, dx
        cmp al, 10
        je .end_of_line
        cmp al, 13
        je .end_of_line
        stosb
        inc ecx
        cmp ecx, 15
        jb .poll
.end_of_line:
        test ecx, ecx
        jz .poll                        ; an empty line: wait for a real one
.done:  mov [nonce_length], ecx
        popad
        ret

; print_bytes: ECX bytes at ESI as hex digits. Keeps all registers.
print_bytes:
        pushad
        jecxz .end
.next:  lodsb
        mov ah, al
        shr al, 4
        call hex_digit
        mov al, ah
        and al, 15
        call hex_digit
        loop .next
.end:   popad
        ret

hex_digit:
        add al, '0'
        cmp al, '9'
        jbe .out
        add al, 'A' - '0' - 10
.out:   jmp putc

timer_interrupt:
        push eax
        inc dword [ticks]
        mov al, 0x20
        out 0x20, al
        pop eax
        iretd

%include "serial.inc"

code_end:
ticks:          dd 0
lines:          dd 0
remembered:     dd 0
nonce_length:   dd 0
nonce:          times 16 db 0
fold:           times 32 db 0
secret:         times 16 db 0
nonce_label:    db "nonce: ", 0
quote_label:    db "quote: pcr digest ", 0
signature_label: db ", signature ", 0
sealed_label:   db "sealed a new secret: ", 0
unsealed_label: db "unsealed my secret: ", 0
refused_label:  db "cannot unseal my secret: my image or configuration changed (status ", 0
rollback_label: db "rollback detected: I remember counter ", 0
says_label:     db ", the vTPM says ", 0
tick_label:     db "tick ", 0
counter_label:  db " (counter ", 0

define_gdt
define_idt

align 16
buffer:         times BUFFER_SIZE db 0
