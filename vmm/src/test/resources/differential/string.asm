; Group (iii): string instructions, with and without REP, forwards and backwards.
bits 32
org 0x100000
%include "abi.inc"
%include "check.inc"

BUF_A equ 0x200000
BUF_B equ 0x201000

start:
        cld
        mov edi, BUF_A                  ; fill 256 dwords with a pattern
        mov eax, 0x5A5A0000
        mov ecx, 256
.fill:  stosd
        inc eax
        loop .fill
        expect_reg "stosd edi", edi, BUF_A + 1024

        mov esi, BUF_A
        mov edi, BUF_B
        mov ecx, 1024
        rep movsb
        expect_reg "rep movsb ecx", ecx, 0
        expect_reg "rep movsb esi", esi, BUF_A + 1024
        mov eax, [BUF_B + 1020]
        expect "rep movsb copied", 0x5A5A00FF

        mov byte [BUF_B + 777], 0xEE
        mov esi, BUF_A
        mov edi, BUF_B
        mov ecx, 1024
        repe cmpsb
        expect_flags "repe cmpsb stops unequal", ZF, 0
        expect_reg "repe cmpsb position", esi, BUF_A + 778
        expect_reg "repe cmpsb ecx", ecx, 1024 - 778

        mov edi, text
        mov ecx, -1
        xor al, al
        repne scasb
        not ecx
        dec ecx
        expect_reg "strlen by repne scasb", ecx, text_len

        mov edi, BUF_B
        mov eax, 0xDEADBEEF
        mov ecx, 64
        rep stosd
        mov eax, [BUF_B + 252]
        expect "rep stosd", 0xDEADBEEF

        std                             ; copy backwards, overlapping by 2 bytes
        mov esi, text + text_len - 1
        mov edi, BUF_A + 0x800 + text_len - 1
        mov ecx, text_len
        rep movsb
        cld
        expect_flags "std then cld", 0x400, 0
        mov eax, [BUF_A + 0x800]
        expect "backward movsb", 'the '

        mov esi, BUF_A
        xor edx, edx
        mov ecx, 16
.sum:   lodsd
        add edx, eax
        loop .sum
        expect_reg "lodsd sum", edx, (16 * 0x5A5A0000 + 120) & 0xFFFFFFFF

        mov esi, BUF_A
        mov edi, BUF_B
        mov ecx, 3
        rep movsw
        movzx eax, word [BUF_B + 4]
        expect "rep movsw", 0x0001

        xor ecx, ecx                    ; REP with ECX = 0 does nothing
        mov edi, BUF_B
        rep stosb
        expect_reg "rep with ecx 0", edi, BUF_B

        finish

%include "serial.inc"

[section .data]
text:   db "the quick brown fox jumps over the lazy dog", 0
text_len equ 43
