; bench_mem: a loop that uses memory, the other yardstick for guest speed (B06_PreemptionOverhead
; in benchmarks/).
;
; Teaches why one guest loop is not enough to know a CPU emulator's speed. Unicorn (QEMU's TCG)
; turns guest code into host code a block at a time. Register arithmetic becomes a few host
; instructions; but every guest load and store goes through the softmmu: a lookup of the guest
; address in a software TLB, a check for a pending stop, and only then the access. On Unicorn
; 2.0.1 every store even leaves the generated code for a helper that checks whether it hit
; translated code (upstream issue #1970, fixed in later releases): about a hundred nanoseconds a
; store, where a load costs a few. So this loop runs tens of times slower than bench_alu, and
; anything that costs a fixed amount per translated block (such as the VMM's preemption hook)
; weighs far less here than on the ALU loop.
;
; Each iteration pushes and pops a register (stack store and load), reads, updates and writes
; back one word of a 4 KiB table (load and store), walking the table word by word. The table
; lies in its own page after the code: a store to a page that holds translated code would make
; the emulator throw that translation away, and the benchmark would measure retranslation.
;
; The header below is read by the benchmark: it checks the magic, patches the iteration count
; and multiplies it by the instructions per iteration (10, four of which touch memory).
; The few instructions before and after the loop are not counted.
;
; Expected: no output. Exit: halt (status 0).

bits 32
org 0x100000

%include "abi.inc"

        jmp short start
        align 4
        db "BNCH"               ; magic: a benchmark guest header follows
iterations:
        dd 1000000              ; the benchmark patches this
per_iteration:
        dd 10                   ; guest instructions per iteration of .loop

start:
        mov ecx, [iterations]
        xor eax, eax
        xor esi, esi
.loop:
        push eax                ; 1  store (stack)
        mov edx, [table + esi]  ; 2  load
        add edx, ecx            ; 3
        mov [table + esi], edx  ; 4  store
        pop eax                 ; 5  load (stack)
        add esi, 4              ; 6
        and esi, 0xFFC          ; 7  the next word, wrapping round the table
        xor eax, edx            ; 8
        dec ecx                 ; 9
        jnz .loop               ; 10

        cli
        hlt                     ; IF = 0: the VMM ends the VM (a bare CPU at ring 0 just stops)

section .bss align=4096         ; not in the image: zeroed RAM after it, in a page of its own
table:  resd 1024
