; alias.asm (reference solution).
bits 32
org 0x100000
%include "abi.inc"

PD  equ 0x200000
PT0 equ 0x201000
PT1 equ 0x202000

start:
        mov esp, 0x1FF000           ; the ABI's stack is at the top of RAM, outside our 4 MiB
        mov edi, PD                 ; three zeroed pages: the directory and two tables
        xor eax, eax
        mov ecx, 3 * 1024
        rep stosd
        mov edi, PT0                ; identity: entry i maps frame i
        mov eax, 3
        mov ecx, 1024
.fill:  stosd
        add eax, 0x1000
        loop .fill
        mov dword [PD], PT0 | 3
        mov dword [PD + 256 * 4], PT1 | 3
        mov dword [PT1], 0x300000 | 3
        mov eax, PD
        mov cr3, eax
        mov eax, cr0
        or eax, 0x80000000
        mov cr0, eax
        mov dword [0x40000000], 0xCAFEBABE
        cmp dword [0x300000], 0xCAFEBABE
        jne .broken
        mov esi, ok
        call print
        debug_exit 0
.broken:
        mov esi, broken
        call print
        debug_exit 0

%include "serial.inc"
ok:     db "alias ok", 10, 0
broken: db "alias broken", 10, 0
