/*
 * syscall.c: the system-call table.
 *
 * `int 0x80` lands in trap(), which calls syscall() with the trap frame: the call's number is
 * in the user's EAX, its arguments in EBX, ECX and EDX, and whatever is left in the frame's EAX
 * is what the user sees returned. The table maps numbers to the functions that do the work.
 *
 * It is an ordinary array in the kernel's data, writable like any other: a rootkit that gets
 * into the kernel hooks a system call by overwriting one of its slots. hvos.profile.json gives
 * its address and length, so the VMM can check it against the kernel's code from outside.
 */
#include "defs.h"
#include "proc.h"
#include "../include/syscalls.h"

int sys_write(struct trapframe *tf);
int sys_read(struct trapframe *tf);
int sys_spawn(struct trapframe *tf);
int sys_exit(struct trapframe *tf);
int sys_wait(struct trapframe *tf);
int sys_getpid(struct trapframe *tf);
int sys_sleep(struct trapframe *tf);
int sys_open(struct trapframe *tf);
int sys_close(struct trapframe *tf);
int sys_uptime(struct trapframe *tf);
int sys_procs(struct trapframe *tf);
int sys_readdir(struct trapframe *tf);
int sys_netconfig(struct trapframe *tf);     /* sysnet.c */
int sys_ping(struct trapframe *tf);
int sys_udpsend(struct trapframe *tf);
int sys_udprecv(struct trapframe *tf);
int sys_sethostname(struct trapframe *tf);
int sys_gethostname(struct trapframe *tf);

int (*syscall_table[NSYSCALLS])(struct trapframe *) = {
    [SYS_write] = sys_write,
    [SYS_read] = sys_read,
    [SYS_spawn] = sys_spawn,
    [SYS_exit] = sys_exit,
    [SYS_wait] = sys_wait,
    [SYS_getpid] = sys_getpid,
    [SYS_sleep] = sys_sleep,
    [SYS_open] = sys_open,
    [SYS_close] = sys_close,
    [SYS_uptime] = sys_uptime,
    [SYS_procs] = sys_procs,
    [SYS_readdir] = sys_readdir,
    [SYS_netconfig] = sys_netconfig,
    [SYS_ping] = sys_ping,
    [SYS_udpsend] = sys_udpsend,
    [SYS_udprecv] = sys_udprecv,
    [SYS_sethostname] = sys_sethostname,
    [SYS_gethostname] = sys_gethostname,
};
const uint32_t syscall_count = NSYSCALLS;

void syscall(struct trapframe *tf) {
    uint32_t n = tf->eax;
    if (n < NSYSCALLS && syscall_table[n]) {
        tf->eax = syscall_table[n](tf);
    } else {
        kprintf("hvos: pid %d (%s): unknown system call %d\n", curproc->pid, curproc->name, n);
        tf->eax = E_BADCALL;
    }
}
