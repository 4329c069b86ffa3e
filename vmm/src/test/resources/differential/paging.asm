; Group (vi): paging, as far as the bare reference CPU can show it. Unicorn 2.0.1 maps every
; linear page to the same physical page whatever the tables say (DESIGN.md section 10), so this
; guest maps RAM onto itself, and what is compared is what the MMU writes: the accessed and dirty
; flags it sets in the guest's own entries (on the bare CPU, QEMU's page walk; under the VMM, the
; shadow MMU's walk of the guest's tables). Every byte of RAM is compared afterwards, so each
; flag on each page the guest touched (code, stack, data) must come out the same.
bits 32
org 0x100000
%include "abi.inc"
%include "check.inc"

PD equ 0x200000
PT equ 0x201000
DATA equ 0x300000

start:
        mov edi, PD
        xor eax, eax
        mov ecx, 2048
        rep stosd
        mov edi, PT
        mov eax, 3
        mov ecx, 1024
.map:   stosd
        add eax, 0x1000
        loop .map
        mov dword [PD], PT | 3
        mov eax, PD
        mov cr3, eax
        mov eax, cr0
        or eax, 0x80010000              ; PG, WP
        mov cr0, eax

        mov dword [DATA], 0x5A5A5A5A    ; write: accessed and dirty
        mov eax, [DATA + 0x1000]        ; read only: accessed
        mov eax, [PT + (DATA >> 12) * 4]
        expect "pte of a written page", DATA | 0x63
        mov eax, [PT + ((DATA + 0x1000) >> 12) * 4]
        expect "pte of a page read", (DATA + 0x1000) | 0x23
        mov eax, [PT + ((DATA + 0x2000) >> 12) * 4]
        expect "pte of a page never touched", (DATA + 0x2000) | 3
        mov eax, [PD]
        and eax, 0x20
        expect "pde accessed", 0x20

        ; Clear the flags, INVLPG, touch again: the MMU sets them anew.
        and dword [PT + (DATA >> 12) * 4], ~0x60
        invlpg [DATA]
        mov eax, [DATA]
        expect "the data is still there", 0x5A5A5A5A
        mov eax, [PT + (DATA >> 12) * 4]
        expect "accessed again after invlpg, not dirty", DATA | 0x23

        ; Read-only page, paging off again: writes go through (no paging, no protection).
        mov eax, cr0
        and eax, ~0x80000000
        mov cr0, eax
        mov dword [DATA + 0x3000], 7
        mov eax, [DATA + 0x3000]
        expect "paging off again", 7
        finish

%include "serial.inc"
