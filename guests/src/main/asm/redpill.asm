; redpill: four "red pill" checks a guest kernel can run to find out it is not on bare metal.
;
; Joanna Rutkowska's Red Pill (2004) was one instruction: SIDT. A VMM cannot leave its guest's
; IDT in the real IDTR, so SIDT, which any privilege level may run, shows where the VMM put its
; own. This guest runs that check and three more of Robin and Irvine's (USENIX Security 2000)
; sensitive-but-unprivileged instructions, each time comparing what the CPU reports with what
; the kernel itself set up:
;   (a) SIDT after LIDT: is the IDT where the kernel loaded it?
;   (b) SGDT after LGDT: the real GDT is the VMM's shadow, at 0xFFF00000.
;   (c) SMSW after setting CR0.TS with MOV CR0 (which traps, so the VMM sets TS in its virtual
;       CR0 only): does the machine status word show TS?
;   (d) PUSHF after CLI (which traps, so the VMM clears the virtual IF only): does IF read 0?
; Under plain trap-and-emulate (--mode trap) the four instructions run natively at CPL 3 and
; read the real registers, so every check sees through the VMM. Under binary translation
; (--mode bt) the VMM finds them before they run and emulates each one against the virtual CPU:
; the guest sees exactly what it set up, and the pill turns blue.
;
; Expected output with --mode trap:
;   redpill: is this bare metal? four checks
;   redpill: SIDT  says the IDT is at 00000000, I loaded it at 00100330 -> VMM detected
;   redpill: SGDT  says the GDT is at FFF00000, I loaded it at 001002F8 -> VMM detected
;   redpill: SMSW  says CR0.TS = 0 after I set it -> VMM detected
;   redpill: PUSHF says IF = 1 after CLI -> VMM detected
;   redpill: a VMM is detected (4 of 4 checks)
; Expected output with --mode bt:
;   redpill: is this bare metal? four checks
;   redpill: SIDT  says the IDT is at 00100330, I loaded it at 00100330 -> as on bare metal
;   redpill: SGDT  says the GDT is at 001002F8, I loaded it at 001002F8 -> as on bare metal
;   redpill: SMSW  says CR0.TS = 1 after I set it -> as on bare metal
;   redpill: PUSHF says IF = 0 after CLI -> as on bare metal
;   redpill: no VMM detected
; Exit: halt (status 0), in both modes.

bits 32
org 0x100000

%include "abi.inc"
%include "kernel.inc"

CR0_TS    equ 1 << 3
EFLAGS_IF equ 1 << 9

start:
        load_kernel_segments
        lidt [idt_descriptor]
        mov esi, banner
        call print

        ; (a) SIDT stores the IDTR: a 16-bit limit, then the 32-bit base.
        sidt [table]
        mov esi, sidt_says
        mov edx, idt
        call report_table

        ; (b) SGDT, the same for the GDTR.
        sgdt [table]
        mov esi, sgdt_says
        mov edx, gdt
        call report_table

        ; (c) The kernel sets CR0.TS (task switched), as a kernel does to catch the next FPU use.
        mov eax, cr0
        or eax, CR0_TS
        mov cr0, eax
        smsw bx
        clts
        mov esi, smsw_says
        call print
        and ebx, CR0_TS
        shr ebx, 3
        call print_bit
        mov esi, smsw_after
        call print
        cmp ebx, 1               ; ZF = 1: TS reads back as set
        call report

        ; (d) CLI, then look at IF the only unprivileged way there is: PUSHF.
        cli
        pushfd
        pop ebx
        mov esi, pushf_says
        call print
        and ebx, EFLAGS_IF
        shr ebx, 9
        call print_bit
        mov esi, pushf_after
        call print
        cmp ebx, 0               ; ZF = 1: IF reads back as clear
        call report

        cmp dword [detected], 0
        je .clean
        mov esi, verdict_detected
        call print
        mov eax, [detected]
        add al, '0'
        call putc
        mov esi, verdict_of_four
        call print
        jmp .done
.clean: mov esi, verdict_clean
        call print
.done:  cli
        hlt

; report_table: ESI = label, EDX = the base the kernel loaded, [table + 2] = the base the CPU reports.
report_table:
        call print
        mov eax, [table + 2]
        call print_hex
        mov esi, loaded_at
        call print
        mov eax, edx
        call print_hex
        cmp [table + 2], edx
        ; fall through to report with ZF set when they match

; report: ZF = 1 when the CPU told the truth the kernel set up; otherwise count a detection.
report:
        je .clean
        inc dword [detected]
        mov esi, says_vmm
        jmp .print
.clean: mov esi, says_bare
.print: call print
        ret

; print_bit: print EBX (0 or 1) as a digit. Keeps all registers.
print_bit:
        push eax
        mov eax, ebx
        add al, '0'
        call putc
        pop eax
        ret

%include "serial.inc"

detected:         dd 0
table:            times 6 db 0
banner:           db "redpill: is this bare metal? four checks", 10, 0
sidt_says:        db "redpill: SIDT  says the IDT is at ", 0
sgdt_says:        db "redpill: SGDT  says the GDT is at ", 0
loaded_at:        db ", I loaded it at ", 0
smsw_says:        db "redpill: SMSW  says CR0.TS = ", 0
smsw_after:       db " after I set it", 0
pushf_says:       db "redpill: PUSHF says IF = ", 0
pushf_after:      db " after CLI", 0
says_vmm:         db " -> VMM detected", 10, 0
says_bare:        db " -> as on bare metal", 10, 0
verdict_detected: db "redpill: a VMM is detected (", 0
verdict_of_four:  db " of 4 checks)", 10, 0
verdict_clean:    db "redpill: no VMM detected", 10, 0

define_gdt
define_idt
