/*
 * trapframe.h: what is on the kernel stack when a trap (interrupt, exception, system call)
 * reaches C. Read it from the bottom up: the CPU pushed the last five (three when the trap
 * came from the kernel itself: no stack switch, no SS:ESP), the vector stub pushed the error
 * code (a 0 when the CPU pushes none) and the trap number, alltraps (trapasm.S) the rest.
 * Changing a field here changes what the interrupted code sees when the trap returns.
 */
#ifndef HVOS_TRAPFRAME_H
#define HVOS_TRAPFRAME_H
#include <stdint.h>

struct trapframe {
    /* pushal */
    uint32_t edi, esi, ebp, oesp, ebx, edx, ecx, eax;
    /* alltraps */
    uint32_t gs, fs, es, ds;
    /* the vector's stub */
    uint32_t trapno;
    uint32_t err;
    /* the CPU */
    uint32_t eip;
    uint32_t cs;
    uint32_t eflags;
    uint32_t esp;   /* only when the trap came from user mode */
    uint32_t ss;
};

#endif
