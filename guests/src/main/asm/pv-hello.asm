; pv-hello: a paravirtualized guest kernel. Teaches paravirtualization (Xen's design) and the
; security hooks of the paper's section IV.B.2.
;
; This kernel knows it runs on a VMM and never executes a privileged or sensitive instruction:
; no CLI/STI, no LIDT, no MOV from CR0, no port I/O. It asks the VMM instead, with a hypercall:
; int 0x82, EAX = call number, EBX/ECX/EDX = arguments, result in EAX (DESIGN.md section 5; the
; table is hvlab.vmm.paravirt.Hypercall). It prints through the console call, loads its IDT and
; enables interrupts through calls, reads CR0 and the virtual clock through calls, then uses the
; security hooks: the VMM, which the guest cannot tamper with, hashes the guest's own code
; (SHA-256) and checks it against the expected hash, and refuses a forged one.
;
; The first call is a probe. Outside --mode paravirt there is no hypercall interface and every
; call answers -ENOSYS (-38); the kernel then says so over COM1 (port I/O works in every mode)
; and ends with debug_exit 2.
;
; Expected output (hv run pv-hello --mode paravirt):
;   pv-hello: hypervisor interface 48560001
;   pv-hello: IDT loaded, interrupts enabled (IF was 0)
;   pv-hello: CR0 = 00000011
;   sha256(code) = <64 hex digits: the hash of this kernel's code, start to code_end>
;   integrity verified by the VMM
;   a forged hash is refused
;   virtual time: <8 hex digits> ns since boot   (low 32 bits; often 00000000, because
;                 virtual time only moves on between the VMM's 10 ms time slices)
; Exit: shutdown hypercall with code 0: debug-exit 0, status 1.
;
; Expected output in any other mode:
;   pv-hello: no hypervisor interface here; run it with --mode paravirt
; Exit: debug-exit 2, status 5.

bits 32
org 0x100000

%include "abi.inc"
%include "kernel.inc"

; The hypercall numbers this kernel uses (hvlab.vmm.paravirt.Hypercall).
HC_VERSION       equ 0
HC_CONSOLE_WRITE equ 1
HC_SET_IF        equ 3
HC_LOAD_IDT      equ 6
HC_READ_CR       equ 7
HC_GET_TIME      equ 9
HC_SHUTDOWN      equ 11
HC_VERIFY        equ 13
HC_MEASURE       equ 12
HV_MAGIC         equ 0x48560001
ENOSYS           equ 38

; hypercall n: EAX = n, then trap to the VMM. Arguments must already be in EBX, ECX, EDX.
%macro hypercall 1
        mov eax, %1
        int HYPERCALL
%endmacro

; check: a negative answer (-errno) is a failed call: say which one and shut down.
%macro check 1
        test eax, eax
        jns %%ok
        mov ebx, %1
        jmp failed
%%ok:
%endmacro

start:
        hypercall HC_VERSION
        cmp eax, -ENOSYS
        je no_hypervisor
        cmp eax, HV_MAGIC
        jne no_hypervisor
        mov esi, banner
        call write
        call write_hex32
        call newline

        set_gate 13, general_protection, 0x8E
        mov ebx, idt_descriptor
        hypercall HC_LOAD_IDT           ; the paravirtual LIDT
        check HC_LOAD_IDT
        hypercall HC_SET_IF             ; the paravirtual STI; answers the previous IF
        check HC_SET_IF
        add al, '0'
        mov [if_was], al
        mov esi, interrupts_on
        call write

        mov esi, cr0_label
        call write
        xor ebx, ebx
        hypercall HC_READ_CR            ; the paravirtual MOV EAX, CR0
        call write_hex32
        call newline

        ; Security hook 1: the VMM hashes our code and writes the hash into our buffer.
        mov ebx, start
        mov ecx, code_end - start
        mov edx, hash
        hypercall HC_MEASURE
        check HC_MEASURE
        mov esi, hash_label
        call write
        mov esi, hash
        mov ecx, 32
.hex:   lodsb
        call write_hex8
        loop .hex
        call newline

        ; Security hook 2: the VMM compares the code's hash with the one we expect.
        mov ebx, start
        mov ecx, code_end - start
        mov edx, hash
        hypercall HC_VERIFY
        check HC_VERIFY
        cmp eax, 1
        jne tampered
        mov esi, verified
        call write

        xor byte [hash + 31], 1         ; a forged expectation: one bit off
        mov ebx, start
        mov ecx, code_end - start
        mov edx, hash
        hypercall HC_VERIFY
        check HC_VERIFY
        test eax, eax
        jnz tampered
        mov esi, forged
        call write

        mov esi, time_label
        call write
        hypercall HC_GET_TIME           ; EDX:EAX = virtual nanoseconds
        call write_hex32
        mov esi, time_unit
        call write

        xor ebx, ebx
        hypercall HC_SHUTDOWN           ; does not return

tampered:
        mov esi, tampered_message
        call write
        mov ebx, 3
        hypercall HC_SHUTDOWN

; failed: call number EBX answered an error.
failed:
        mov esi, failed_message
        call write
        mov eax, ebx
        call write_hex32
        call newline
        mov ebx, 3
        hypercall HC_SHUTDOWN

; A #GP here would mean a privileged instruction slipped into a paravirtual kernel.
general_protection:
        mov esi, gp_message
        call write
        mov ebx, 4
        hypercall HC_SHUTDOWN

; write: the zero-terminated string at ESI, through the console hypercall. Keeps all registers.
write:
        pushad
        mov ebx, esi
        xor ecx, ecx
.len:   cmp byte [esi + ecx], 0
        je .send
        inc ecx
        jmp .len
.send:  hypercall HC_CONSOLE_WRITE
        popad
        ret

newline:
        push esi
        mov esi, newline_text
        call write
        pop esi
        ret

; write_hex32: EAX as eight hex digits. Keeps all registers.
write_hex32:
        push eax
        push ecx
        mov ecx, 4
.byte:  rol eax, 8
        call write_hex8
        loop .byte
        pop ecx
        pop eax
        ret

; write_hex8: AL as two hex digits. Keeps all registers.
write_hex8:
        pushad
        mov edi, hex_out
        mov ah, al
        shr al, 4
        call .digit
        mov al, ah
        and al, 0x0F
        call .digit
        mov esi, hex_out
        call write
        popad
        ret
.digit: add al, '0'
        cmp al, '9'
        jbe .store
        add al, 'a' - '0' - 10
.store: stosb
        ret

; Not a paravirtual kernel's path: only here, with no hypervisor to ask, does it touch a port.
no_hypervisor:
        mov esi, no_hv_message
        call print
        debug_exit 2

%include "serial.inc"

code_end:                               ; MEASURE and VERIFY cover start .. code_end

banner:           db "pv-hello: hypervisor interface ", 0
interrupts_on:    db "pv-hello: IDT loaded, interrupts enabled (IF was "
if_was:           db "?)", 10, 0
cr0_label:        db "pv-hello: CR0 = ", 0
hash_label:       db "sha256(code) = ", 0
verified:         db "integrity verified by the VMM", 10, 0
forged:           db "a forged hash is refused", 10, 0
tampered_message: db "pv-hello: the VMM says this code is not what it expected", 10, 0
time_label:       db "virtual time: ", 0
time_unit:        db " ns since boot", 10, 0
failed_message:   db "pv-hello: a hypercall failed, number ", 0
gp_message:       db "pv-hello: #GP: a privileged instruction ran in a paravirtual kernel", 10, 0
no_hv_message:    db "pv-hello: no hypervisor interface here; run it with --mode paravirt", 10, 0
newline_text:     db 10, 0
hex_out:          db "00", 0
hash:             times 32 db 0

define_idt
