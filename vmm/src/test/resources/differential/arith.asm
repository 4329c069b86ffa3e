; Group (i): arithmetic, logic and the status flags. Nothing here is sensitive or privileged
; except the PUSHFD/POPFD inside expect_flags: it runs natively under the VMM too.
bits 32
org 0x100000
%include "abi.inc"
%include "check.inc"

start:
        mov eax, 0x12345678
        add eax, 0x9ABCDEF0
        expect_flags "add flags", STATUS, SF
        expect "add", 0xACF13568

        mov eax, 0xFFFFFFFF
        add eax, 1
        expect_flags "add wrap flags", STATUS, CF | PF | AF | ZF
        expect "add wrap", 0

        mov eax, 0x80000000
        sub eax, 1
        expect_flags "sub overflow flags", STATUS, OF | AF | PF
        expect "sub overflow", 0x7FFFFFFF

        mov ecx, 3
        cmp ecx, 5
        expect_flags "cmp 3,5 flags", STATUS, CF | AF | SF

        stc
        mov eax, 5
        adc eax, 7
        expect "adc", 13

        stc
        mov eax, 0
        sbb eax, 0
        expect_flags "sbb flags", CF | ZF | SF, CF | SF
        expect "sbb", 0xFFFFFFFF

        mov eax, -7
        mov ecx, 6
        imul eax, ecx
        expect "imul", -42

        mov eax, 0x10000
        mov ecx, 0x10000
        mul ecx
        expect_flags "mul flags", CF | OF, CF | OF
        expect "mul low", 0
        expect_reg "mul high", edx, 1

        xor edx, edx
        mov eax, 1000001
        mov ecx, 1000
        div ecx
        expect "div quotient", 1000
        expect_reg "div remainder", edx, 1

        mov eax, -1000001
        cdq
        idiv ecx
        expect "idiv quotient", -1000
        expect_reg "idiv remainder", edx, -1

        mov eax, 0x80000001
        shl eax, 1
        expect_flags "shl carry", CF, CF
        expect "shl", 2
        mov eax, 0x80000001
        rol eax, 4
        expect "rol", 0x18
        mov eax, 0x80000000
        sar eax, 4
        expect "sar", 0xF8000000
        mov eax, 0x80000000
        shr eax, 31
        expect "shr", 1
        stc
        mov eax, 0
        rcr eax, 1
        expect "rcr", 0x80000000
        mov eax, 0x12345678
        mov edx, 0x9ABCDEF0
        shld eax, edx, 8
        expect "shld", 0x3456789A

        mov eax, 0xF0F0F0F0
        and eax, 0x3C3C3C3C
        expect_flags "and flags", CF | OF | ZF | SF, 0
        expect "and", 0x30303030
        or eax, 0x0F000000
        expect "or", 0x3F303030
        xor eax, 0xFFFFFFFF
        expect "xor", 0xC0CFCFCF
        not eax
        expect "not", 0x3F303030
        mov eax, 5
        neg eax
        expect_flags "neg flags", CF | SF, CF | SF
        expect "neg", -5
        mov eax, 0
        neg eax
        expect_flags "neg 0 flags", CF | ZF, ZF

        mov eax, 0x7FFFFFFF
        inc eax
        expect_flags "inc overflow flags", OF | SF | ZF, OF | SF
        expect "inc", 0x80000000
        stc
        dec eax
        expect_flags "dec keeps CF", CF | OF, CF | OF

        mov ecx, 0xF0
        bsf eax, ecx
        expect "bsf", 4
        bsr eax, ecx
        expect "bsr", 7
        xor eax, eax
        bts eax, 13
        expect "bts", 0x2000
        bt eax, 13
        expect_flags "bt", CF, CF

        mov ecx, 3
        cmp ecx, 5
        setl al
        movzx eax, al
        expect "setl", 1
        mov edx, 77
        cmp ecx, 5
        cmovg eax, edx
        expect "cmovg not taken", 1
        cmp ecx, 5                      ; expect changed the flags
        cmovl eax, edx
        expect "cmovl taken", 77

        mov eax, 0x11223344
        bswap eax
        expect "bswap", 0x44332211
        mov ecx, 3
        lea eax, [ecx * 4 + ecx + 7]
        expect "lea", 22
        mov eax, 10
        mov ecx, 32
        xadd eax, ecx
        expect "xadd sum", 42
        expect_reg "xadd old", ecx, 10
        mov eax, 42
        mov edx, 99
        mov [scratch], eax
        cmpxchg [scratch], edx
        expect_flags "cmpxchg equal", ZF, ZF
        mov eax, [scratch]
        expect "cmpxchg stored", 99
        movsx eax, byte [minus_two]
        expect "movsx", -2
        mov al, 0x19
        add al, 0x28
        daa
        movzx eax, al
        expect "daa", 0x47

        finish

%include "serial.inc"

[section .data]
scratch:   dd 0
minus_two: db 0xFE
