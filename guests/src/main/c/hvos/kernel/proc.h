/*
 * proc.h: a process, as the kernel keeps it.
 *
 * Each process has its own page directory (its own view of the user half of memory), its own
 * kernel stack (where its traps land and where its kernel code runs), and a saved context: the
 * registers swtch() keeps while another process has the CPU.
 *
 * The layout of struct proc is published in hvos.profile.json (see profile.c), so a VMM that
 * reads the guest's memory from outside can list its processes: virtual machine introspection.
 */
#ifndef HVOS_PROC_H
#define HVOS_PROC_H
#include <stdint.h>
#include "param.h"
#include "trapframe.h"
#include "file.h"

enum procstate { UNUSED, EMBRYO, RUNNABLE, RUNNING, SLEEPING, ZOMBIE };

/* The registers a kernel function must keep for its caller (the C calling convention's
 * callee-saved ones) and where it returns to: all that swtch() needs to save. */
struct context {
    uint32_t edi, esi, ebx, ebp, eip;
};

struct proc {
    int pid;                     /* 0 for an unused slot */
    enum procstate state;
    char name[16];               /* the program's name */
    uint32_t *pgdir;             /* page directory: its physical address goes into CR3 */
    uint8_t *kstack;             /* bottom of the kernel stack */
    struct trapframe *tf;        /* the user registers, saved at the top of kstack */
    struct context *context;     /* where swtch() left it */
    struct proc *parent;
    void *chan;                  /* what it sleeps on, if SLEEPING */
    int xstatus;                 /* exit status, for wait() */
    int killed;                  /* set from outside (the VMM's `vmi kill`): end it on its way back to user mode */
    uint32_t pages;              /* user pages it owns */
    struct file ofile[NOFILE];   /* open files: fd 3 is ofile[0] (0-2 are the console) */
};

extern struct proc proc_table[NPROC];
extern struct proc *curproc;

#endif
