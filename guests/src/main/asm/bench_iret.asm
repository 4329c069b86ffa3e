; bench_iret: a user task calls its kernel and returns, over and over (B11_PrivilegeCrossing).
;
; Teaches what a system call costs under trap-and-emulate. The kernel sets up a GDT, a TSS and an
; IDT (as the syscalls guest does) and IRETs into a user task at (virtual) CPL 3. The task then
; makes empty system calls: INT 0x80 enters the kernel through a DPL 3 interrupt gate, the
; kernel's handler is a single IRETD back to ring 3. On a real CPU both transitions are
; microcode. Here the real CPU runs kernel and task alike at CPL 3, so both are the VMM's work:
; the INT reaches the interrupt hook and the VMM delivers it through the guest's IDT (the frame
; pushed on the kernel stack named by the TSS, as the hardware would: SDM Vol. 3, 6.12.1); the
; IRETD faults (the user segments are hidden from the kernel's shadow GDT) and the VMM emulates
; the return to the outer ring (SDM Vol. 2, IRET). A guest OS pays this on every system call.
;
; The header below is read by the benchmark: it patches the iteration count; each iteration
; makes 16 system calls (unrolled, so the loop's own DEC and JNZ hardly count).
;
; Expected: no output. Exit: halt (status 0), after 200,000 calls and returns.

bits 32
org 0x100000

%include "abi.inc"
%include "kernel.inc"

        jmp short start
        align 4
        db "BNCH"               ; magic: a benchmark guest header follows
iterations:
        dd 12500                ; the benchmark patches this
per_iteration:
        dd 16                   ; system calls (INT 0x80 in, IRETD out) per iteration of .loop

start:
        load_kernel_segments

        ; The TSS: only SS0 and ESP0 matter here (SDM Vol. 3, 7.2.1).
        mov dword [tss + 4], kernel_stack_top
        mov dword [tss + 8], KERNEL_DS
        mov eax, tss             ; its descriptor: base, limit 0x67, present 32-bit TSS (type 9)
        mov word [tss_descriptor], 0x67
        mov word [tss_descriptor + 2], ax
        shr eax, 16
        mov byte [tss_descriptor + 4], al
        mov byte [tss_descriptor + 5], 0x89
        mov byte [tss_descriptor + 6], 0
        mov byte [tss_descriptor + 7], ah
        mov ax, TSS_SEL
        ltr ax

        set_gate 0x80, system_call, 0xEE
        set_gate 0x81, finished, 0xEE
        lidt [idt_descriptor]

        push USER_DS             ; the frame IRETD pops to reach an outer ring:
        push user_stack_top      ; SS, ESP, EFLAGS (IF=0), CS, EIP
        push 0x002
        push USER_CS
        push user_task
        iretd

system_call:                     ; INT 0x80 from the user task: straight back
        iretd

finished:                        ; INT 0x81: the task is done
        cli
        hlt                      ; IF = 0: the VMM ends the VM

user_task:                       ; runs at CPL 3
        mov ecx, [iterations]
.loop:
%rep 16
        int 0x80
%endrep
        dec ecx
        jnz .loop
        int 0x81

define_gdt
define_idt

align 16
tss:            times 104 db 0
align 16
                times 1024 db 0
kernel_stack_top:
                times 1024 db 0
user_stack_top:
