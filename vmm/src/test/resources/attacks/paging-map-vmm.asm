; Attack: map the VMM's region. The guest's own page directory points the last 4 MiB of the
; address space, where the real GDT, TSS and trampoline live, at its RAM, then writes the VMM's
; ring-0 code descriptor through it.
; Stopped by: the VMM's region is a hole the guest ABI reserves; the shadow keeps it mapped to
; the VMM's own pages, supervisor and read-only, whatever the guest's tables say. The store is
; refused as one to the VMM's read-only pages and the VM ends with a memory fault (a read would
; end it with a page-fault exit naming the region: ShadowMmuTest). On Unicorn 2.1, whose page
; walk comes first, the store's #PF reaches the shadow MMU, which refuses the region by name (a
; page-fault exit). All modes.
bits 32
org 0x100000
%include "abi.inc"
%include "attack.inc"
%include "paging.inc"
        attack_kernel
        paging_on
        mov dword [PAGE_DIR + 1023 * 4], 0x87
        invlpg [0xFFF00000]
        mov dword [0xFFF00000 + 8 * 8190], 0x0000FFFF
        escaped "a store through the guest's mapping of the VMM region"
        attack_data
