; alias.asm: map 0x40000000 to 0x00300000, turn paging on, and show they are the same memory.
bits 32
org 0x100000
%include "abi.inc"

start:
        ; TODO 1: a page directory and two page tables (identity for 0-4 MiB, one for 0x40000000)
        ; TODO 2: CR3, then CR0.PG
        ; TODO 3: write through 0x40000000, read at 0x00300000, print "alias ok" or "alias broken"
        debug_exit 0

%include "serial.inc"
