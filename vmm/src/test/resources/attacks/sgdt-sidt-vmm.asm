; Attack: aim the stores of SGDT and SIDT at the VMM region. In bt mode the VMM emulates both
; (so the guest sees its virtual tables) and so performs the store itself.
; Stopped by: the emulated stores go through the segment check and GuestRam; the real CPU's
; own stores (trap mode) hit a read-only page. The VM ends with a memory fault. All modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
        attack_kernel
        sgdt [0xFFF00000 + 8 * 8190]
        sidt [0xFFF00000 + 8 * 8190]
        escaped "SGDT/SIDT stored into the VMM region"
        attack_data
