; Group (v): privileged instructions, which trap at CPL 3 and which the VMM emulates against
; the virtual CPU: control-register round trips, CLI/STI as PUSHF sees them, and the SYSENTER
; MSRs. RDTSC is left out on purpose: the VMM's TSC is virtual and deterministic, the bare
; CPU's is the host's, so their values differ by design.
bits 32
org 0x100000
%include "abi.inc"
%include "check.inc"

start:
        mov eax, cr0
        expect "cr0 at entry", 0x11
        mov ebp, eax
        or eax, 0x22                    ; MP, NE
        mov cr0, eax
        mov eax, 0
        mov eax, cr0
        expect "cr0 round trip", 0x33
        or eax, 0x8                     ; TS
        mov cr0, eax
        clts
        mov eax, cr0
        expect "clts", 0x33
        mov eax, 0x9
        lmsw ax                         ; sets TS, keeps PE
        mov eax, cr0
        expect "lmsw (loads MP too)", 0x39
        smsw eax
        expect "smsw after lmsw", 0x39
        clts
        mov cr0, ebp
        mov eax, cr0
        expect "cr0 restored", 0x11

        mov eax, cr3
        expect "cr3 at entry", 0
        mov eax, 0x00123000
        mov cr3, eax
        xor eax, eax
        mov eax, cr3
        expect "cr3 round trip", 0x00123000
        mov edx, cr3
        expect_reg "cr3 into edx", edx, 0x00123000

        mov eax, cr4
        expect "cr4 at entry", 0
        mov ecx, 0x18                   ; DE, PSE
        mov cr4, ecx
        mov eax, cr4
        expect "cr4 round trip", 0x18
        xor ecx, ecx
        mov cr4, ecx
        mov eax, cr4
        expect "cr4 cleared", 0

        sti
        pushfd
        pop eax
        and eax, 0x200
        expect "sti shows in pushfd", 0x200
        cli
        pushfd
        pop eax
        and eax, 0x200
        expect "cli shows in pushfd", 0

        mov ecx, 0x174                  ; IA32_SYSENTER_CS
        xor edx, edx
        mov eax, 0x08
        wrmsr
        mov ecx, 0x175                  ; IA32_SYSENTER_ESP
        mov eax, 0x00DEAD00
        wrmsr
        mov ecx, 0x176                  ; IA32_SYSENTER_EIP
        mov eax, 0x00BEEF00
        wrmsr
        mov ecx, 0x174
        mov edx, 0x55
        rdmsr
        expect "sysenter_cs", 0x08
        expect_reg "sysenter_cs high", edx, 0
        mov ecx, 0x175
        rdmsr
        expect "sysenter_esp", 0x00DEAD00
        mov ecx, 0x176
        rdmsr
        expect "sysenter_eip", 0x00BEEF00

        invlpg [start]
        wbinvd

        finish

%include "serial.inc"
