; Attack (found by the fuzzer): load SS with the selector of the kernel's TSS. A busy TSS has
; type 0xB, whose bits read like "writable data" if one forgets that it is a system descriptor;
; the VMM's SS check did forget, accepted it, and had the real CPU load it, which Unicorn refused
; (the shadow never holds system descriptors): the VMM's emulation failed half way.
; Stopped by: SS must be a writable data segment, and a system descriptor never is
; (SegmentDescriptor.isWritableData); the load raises #GP(0x28) as on hardware. All modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        attack_kernel
        set_gate 13, gp, 0x8E
        mov ax, TSS_SEL
        mov ss, ax
        escaped "SS loaded a TSS descriptor"
gp:     mov esp, kernel_stack_top
        cmp dword [esp - 16], TSS_SEL       ; the error code, below the frame's EIP, CS, EFLAGS
        jne .code
        contained "loading SS with the TSS selector raised #GP(0x28)"
.code:  escaped "#GP with the wrong error code"
        attack_data
