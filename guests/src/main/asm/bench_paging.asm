; bench_paging: an address-space switch and fresh pages, over and over (B13_ShadowPaging).
;
; Teaches what memory virtualization costs without EPT. The kernel identity-maps its 2 MiB of
; RAM with 4 KiB pages and turns paging on; each iteration loads CR3 (on hardware: the TLB
; empties, and the next accesses walk the tables) and then reads one dword from each of the
; next `pages` pages. Under the VMM the CR3 load traps and drops every shadow entry, and each
; page touched afterwards, and the code and stack pages the loop needs, cost a hidden page
; fault: a trip into the VMM that walks the guest's tables and fills the shadow. With `paging`
; patched to 0 the same loop runs without paging (the CR3 load still traps): the baseline.
;
; The header: iterations and pages per iteration (both patched by the benchmark), at offset 16
; whether to turn paging on, at offset 20 whether to load CR3 each iteration (0: the steady
; state, every page shadowed after the first pass: what a paging guest pays when it does not
; switch address spaces).
;
; Expected: no output. Exit: halt (status 0).

bits 32
org 0x100000

%include "abi.inc"

PD      equ 0x1C0000
PT      equ 0x1C1000
TOUCHED equ 0x140000            ; up to 64 pages from here

        jmp short start
        align 4
        db "BNCH"
iterations:
        dd 1000
pages:
        dd 64                   ; pages read after each CR3 load
paging:
        dd 1
reload:
        dd 1

start:
        mov esp, 0x1BF000
        cmp dword [paging], 0
        je .ready
        mov edi, PT
        mov eax, 3              ; present, writable, supervisor
        mov ecx, 512            ; 2 MiB
.map:   stosd
        add eax, 0x1000
        loop .map
        mov dword [PD], PT | 3
        mov eax, PD
        mov cr3, eax
        mov eax, cr0
        or eax, 0x80000000
        mov cr0, eax
.ready:
        mov ecx, [iterations]
.loop:  cmp dword [reload], 0
        je .same
        mov eax, PD
        mov cr3, eax            ; a new address space, as far as the TLB knows
.same:  mov esi, TOUCHED
        mov edx, [pages]
.touch: mov eax, [esi]
        add esi, 0x1000
        dec edx
        jnz .touch
        dec ecx
        jnz .loop
        cli
        hlt
