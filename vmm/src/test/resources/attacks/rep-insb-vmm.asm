; Attack: string input into the VMM region. `rep insb` from COM1's line status register with
; EDI inside the real GDT. In bt mode the VMM itself performs INS (an exact exit), so it would
; write with its own authority.
; Stopped by: INS stores go through GuestRam (bt) or are the CPU's own stores to a read-only
; page (trap); either way the store is refused and the VM ends with a memory fault.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        attack_kernel
        mov edi, 0xFFF00000 + 8 * 8190      ; the VMM's ring-0 code descriptor
        mov ecx, 16
        mov dx, COM1_LSR
        cld
        rep insb
        escaped "rep insb wrote into the VMM region"
        attack_data
