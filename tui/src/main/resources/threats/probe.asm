; probe: a guest that looks for its neighbour's memory past the end of its own (hv threat run vm-vm).
;
; Its RAM is 4 MiB, at guest-physical 0 to 0x003FFFFF. On a real machine the next bytes would be
; whatever the board put there; under a VMM they are nothing of this VM's, and in particular not
; another VM's: each VM's RAM is its own mapping, and every guest-physical address outside it is
; refused by the VMM (paper IV.C.3). The read below ends the VM; had it returned, the guest would
; say what it found.
;
; Expected output:
;   probe: reading 0x00400000, past my RAM
; Exit: the VMM ends the VM (memory fault).

bits 32
org 0x100000

%include "abi.inc"

start:
        mov esi, hello
        call print
        mov eax, [0x00400000]           ; one past the end of RAM
        mov esi, escaped
        call print
        cli
        hlt

%include "serial.inc"

hello:   db "probe: reading 0x00400000, past my RAM", 10, 0
escaped: db "ESCAPED: read memory that is not mine", 10, 0
