; bench_pv: the paravirtual CLI and STI, over and over (B04_HypercallVsTrap in benchmarks/).
;
; Teaches what paravirtualization buys. This is bench_cli's work done the Xen way: the kernel
; knows it runs on a VMM, so instead of CLI and STI (each a #GP that the VMM must catch, decode
; with Capstone and emulate) it asks the VMM directly with a hypercall: int 0x82 with
; EAX = 4 (clear_if) or 3 (set_if). The VMM gets the request already decoded, in a register, so
; there is nothing to disassemble: it clears or sets the virtual IF, puts the old value in EAX
; and resumes the guest past the INT. The benchmark runs this guest in --mode paravirt and
; bench_cli in --mode trap, and compares the cost of one operation each way.
;
; Xen's own guests go one step further and need no trap at all for this: the flag is a byte in
; memory shared with the hypervisor (vcpu_info.evtchn_upcall_mask). hvlab keeps it a hypercall so
; the two paths differ in one thing only: an explicit request against a fault plus a decode.
;
; The header below is read by the benchmark: it patches the iteration count; each iteration
; makes 8 clear_if/set_if pairs, 16 hypercalls (unrolled, so the loop's own DEC and JNZ hardly
; count). Two more calls fall outside the loop: the version probe and the final shutdown.
;
; The first call is a probe, as in pv-hello. Outside --mode paravirt every hypercall answers
; -ENOSYS (-38); the guest then ends at once with debug_exit 2, without touching the loop.
;
; Expected output: none. Exit (--mode paravirt): shutdown hypercall with code 0, status 1,
; after 400,000 hypercalls. Exit in any other mode: debug-exit 2, status 5.

bits 32
org 0x100000

%include "abi.inc"

; The hypercall numbers this guest uses (hvlab.vmm.paravirt.Hypercall).
HC_VERSION  equ 0
HC_SET_IF   equ 3
HC_CLEAR_IF equ 4
HC_SHUTDOWN equ 11
HV_MAGIC    equ 0x48560001

        jmp short start
        align 4
        db "BNCH"               ; magic: a benchmark guest header follows
iterations:
        dd 25000                ; the benchmark patches this
per_iteration:
        dd 16                   ; hypercalls per iteration of .loop

start:
        mov eax, HC_VERSION
        int HYPERCALL           ; -ENOSYS unless the VMM runs us paravirtualized
        cmp eax, HV_MAGIC
        jne no_hypervisor

        mov ecx, [iterations]   ; hypercalls keep ECX (and every register but EAX)
.loop:
%rep 8
        mov eax, HC_CLEAR_IF
        int HYPERCALL           ; the paravirtual CLI
        mov eax, HC_SET_IF
        int HYPERCALL           ; the paravirtual STI
%endrep
        dec ecx
        jnz .loop

        xor ebx, ebx
        mov eax, HC_SHUTDOWN
        int HYPERCALL           ; ends the VM with debug-exit 0; does not return

no_hypervisor:
        debug_exit 2            ; not paravirtualized: nothing to measure
