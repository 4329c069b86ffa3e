/*
 * trapasm.S: the first instructions of every trap.
 *
 * The IDT has 256 gates, one a vector; each points at a stub below. Some exceptions make the
 * CPU push an error code (8, 10-14, 17), the rest do not: the stubs push a 0 for those, so
 * that every trap frame has the same shape. Then alltraps saves the rest of the registers,
 * switches to the kernel's data segments and calls trap() in C with the frame's address.
 * trapret is the way back: restore everything, drop the number and the error code, IRET.
 * A new process starts its life at trapret too (see proc.c), returning to user mode "from"
 * a trap that never happened.
 */
#include "mmu.h"

.altmacro
.macro stub n
vector\n:
  .if (\n == 8) || ((\n >= 10) && (\n <= 14)) || (\n == 17)
  .else
    pushl $0
  .endif
    pushl $\n
    jmp alltraps
.endm

.macro addr n
    .long vector\n
.endm

.text
.set i, 0
.rept 256
    stub %i
    .set i, i + 1
.endr

.globl alltraps
alltraps:
    pushl %ds
    pushl %es
    pushl %fs
    pushl %gs
    pushal
    movw $KDATA_SEL, %ax
    movw %ax, %ds
    movw %ax, %es
    pushl %esp                       /* trap(struct trapframe *) */
    call trap
    addl $4, %esp

.globl trapret
trapret:
    popal
    popl %gs
    popl %fs
    popl %es
    popl %ds
    addl $8, %esp                    /* trapno and err */
    iret

.data
.globl vectors
vectors:
.set i, 0
.rept 256
    addr %i
    .set i, i + 1
.endr
