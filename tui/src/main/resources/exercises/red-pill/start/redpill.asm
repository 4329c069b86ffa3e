; redpill.asm: tell a bare machine from hvlab without SIDT, SGDT or SMSW.
; Print "hypervisor" under hvlab (trap mode), "bare metal" on the bare CPU; then debug_exit 0.
bits 32
org 0x100000
%include "abi.inc"

start:
        ; TODO: look at something the CPU lets any code read, and decide.
        debug_exit 0

%include "serial.inc"
