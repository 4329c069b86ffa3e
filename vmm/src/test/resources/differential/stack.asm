; Group (ii): the stack, calls and returns.
bits 32
org 0x100000
%include "abi.inc"
%include "check.inc"

start:
        mov ebp, esp                    ; ESP = top of RAM, EBX = RAM size (the ABI)
        mov eax, esp
        expect "entry esp = ram size", ebx

        push dword 0x11111111
        push dword 0x22222222
        pop ecx
        pop edx
        expect_reg "push/pop order 1", ecx, 0x22222222
        expect_reg "push/pop order 2", edx, 0x11111111

        mov eax, 0xAAAA0001
        mov ecx, 0xAAAA0002
        mov edx, 0xAAAA0003
        mov esi, 0xAAAA0006
        mov edi, 0xAAAA0007
        pushad
        xor eax, eax
        mov ecx, eax
        mov edx, eax
        mov esi, eax
        mov edi, eax
        mov eax, [esp + 12]             ; the ESP PUSHAD saw
        lea edx, [esp + 32]
        cmp eax, edx
        sete al
        movzx eax, al
        expect "pushad saved esp", 1
        popad
        expect "popad eax", 0xAAAA0001
        expect_reg "popad edi", edi, 0xAAAA0007

        push word 0x1234                ; 16-bit push
        pop ax
        movzx eax, ax
        expect "push word", 0x1234

        push dword [value]
        pop dword [copy]
        mov eax, [copy]
        expect "push/pop memory", 0xCAFEBABE

        mov eax, 10
        call factorial
        expect "recursive factorial(10)", 3628800

        push dword 7
        push dword 5
        call add_stdcall                ; ret 8
        expect "ret imm16", 12
        mov eax, esp
        expect "esp after stdcall", ebp

        mov edx, add_one
        mov eax, 41
        call edx
        expect "call register", 42
        mov eax, 1
        call [table + 4]
        expect "call memory", 2

        call frame_user
        expect "enter/leave", 0x600D

        mov ecx, 2
        jmp [jumps + ecx * 4]
.j0:    mov eax, 100
        jmp .joined
.j1:    mov eax, 101
        jmp .joined
.j2:    mov eax, 102
.joined:
        expect "jump table", 102

        mov eax, esp
        expect "esp balanced", ebp
        finish

; factorial: EAX = EAX!, recursively.
factorial:
        cmp eax, 1
        jbe .one
        push eax
        dec eax
        call factorial
        pop ecx
        mul ecx
        ret
.one:   mov eax, 1
        ret

add_stdcall:
        mov eax, [esp + 4]
        add eax, [esp + 8]
        ret 8

add_one:
        inc eax
        ret

frame_user:
        enter 16, 0
        mov dword [ebp - 4], 0x600D
        mov eax, [ebp - 4]
        leave
        ret

%include "serial.inc"

[section .data]
align 4
value:  dd 0xCAFEBABE
copy:   dd 0
table:  dd add_one, add_one
jumps:  dd start.j0, start.j1, start.j2
