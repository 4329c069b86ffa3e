/*
 * memlayout.h: where things live in every address space.
 *
 *   0x00000000 - top of RAM     the kernel half: all of RAM, mapped at its physical address
 *                               (identity), supervisor-only, the same in every page directory.
 *                               The kernel reaches any physical page by its address, with or
 *                               without paging, so it runs unchanged when paging turns on.
 *   0x40000000 - 0x7FFFFFFF     the user half: a process's program (linked at 0x40000000) and,
 *                               at the top, its stack. Different in every page directory.
 *   0xFE000000 - 0xFFFFFFFF     never mapped: hvlab's VMM keeps its own region there.
 *
 * xv6 puts its kernel high (0x80000000) and users low; hvos does the reverse, because an
 * identity-mapped kernel needs no trick to switch paging on.
 */
#ifndef HVOS_MEMLAYOUT_H
#define HVOS_MEMLAYOUT_H

#define KERNEL_TOP 0x40000000u       /* RAM above this is not used */
#define USER_BASE 0x40000000u        /* where user programs are linked */
#define USER_STACK_TOP 0x80000000u   /* the user stack grows down from here */
#define USER_STACK_PAGES 4

#endif
