; Regression: string input under paging. In bt mode the VMM performs REP INSB itself, writing
; guest memory inside a code hook; with paging on, dropping the translations of what it wrote
; once meant flushing all of them right there, which freed the very block that was running and
; killed the JVM (found by hvos's first disk read). Now the flush waits for the next block
; boundary. The guest overwrites code it is about to run, too: the new bytes must be what runs.
; Passes when: the input landed, the patched instruction ran as patched. All modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
%include "paging.inc"
        attack_kernel
        paging_on
        mov edi, buffer
        mov ecx, 64
        mov dx, COM1_LSR
        cld
        rep insb                        ; 64 copies of the line status (0x60: transmitter ready)
        cmp byte [buffer + 63], 0x60
        jne lost
        mov edi, patch                  ; the same again, over code: two NOPs become...
        mov ecx, 1
        rep insb                        ; ...0x60 (PUSHA) and a NOP
        mov eax, esp
patch:  nop
        nop
        sub eax, esp
        cmp eax, 32                     ; PUSHA pushed eight registers
        jne stale
        add esp, 32
        contained "string input under paging landed, and the code it overwrote ran as written"
lost:  escaped "the string input was lost"
stale: escaped "old code ran after the VMM overwrote it"
buffer: times 64 db 0
        attack_data
