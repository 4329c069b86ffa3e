/* param.h: the kernel's fixed sizes. */
#ifndef HVOS_PARAM_H
#define HVOS_PARAM_H

#define NPROC 16          /* processes at once */
#define NOFILE 8          /* open files per process */
#define KSTACK_SIZE 4096  /* each process's kernel stack: one page */
#define HZ 100            /* timer interrupts a second */
#define MAXARG 16         /* arguments to spawn */

#endif
