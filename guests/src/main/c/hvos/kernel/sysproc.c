/*
 * sysproc.c: the system calls about processes and time.
 *
 * A pointer a user program passes is never dereferenced: vm_copyin, vm_copyout and
 * vm_user_string (vm.c) look each page up in the caller's page table and copy through its
 * physical address. The kernel can reach all of memory, and must not be talked into reading
 * or writing somewhere the caller could not.
 */
#include "defs.h"
#include "mmu.h"
#include "proc.h"
#include "../include/syscalls.h"

int sys_spawn(struct trapframe *tf) {
    char path[24];
    if (vm_user_string(curproc->pgdir, tf->ebx, path, sizeof path) < 0) return E_FAULT;
    /* The arguments are copied into a kernel page first: spawn() may sleep on the disk
     * before it lays them on the new stack, and a kernel copy is checked once and stays put. */
    char *page = kalloc();
    if (!page) return E_NOMEM;
    char *argv[MAXARG + 1];
    int argc = 0, used = 0, err = 0;
    for (;; argc++) {
        uint32_t uarg;
        if (vm_copyin(curproc->pgdir, &uarg, tf->ecx + argc * 4, 4) < 0) { err = E_FAULT; break; }
        if (!uarg) break;
        if (argc == MAXARG) { err = E_INVAL; break; }
        int n = vm_user_string(curproc->pgdir, uarg, page + used, PGSIZE - used);
        if (n < 0) { err = E_FAULT; break; }
        argv[argc] = page + used;
        used += n + 1;
    }
    argv[argc] = 0;
    int pid = err ? err : spawn(path, argv, argc, curproc);
    kfree(page);
    return pid;
}

int sys_exit(struct trapframe *tf) {
    proc_exit((int) tf->ebx);
}

int sys_wait(struct trapframe *tf) {
    if (tf->ebx && !vm_user_range_ok(curproc->pgdir, tf->ebx, 4)) return E_FAULT;
    int status;
    int pid = proc_wait(&status);
    if (pid > 0 && tf->ebx) vm_copyout(curproc->pgdir, tf->ebx, &status, sizeof status);
    return pid;
}

int sys_getpid(struct trapframe *tf) {
    (void) tf;
    return curproc->pid;
}

int sys_sleep(struct trapframe *tf) {
    uint32_t until = ticks + tf->ebx;
    while ((int32_t) (until - ticks) > 0) sleep_on((void *) &ticks);
    return 0;
}

int sys_uptime(struct trapframe *tf) {
    (void) tf;
    return (int) ticks;
}

static const char *state_names[] = {"unused", "embryo", "runnable", "running", "sleeping", "zombie"};

int sys_procs(struct trapframe *tf) {
    uint32_t max = tf->ecx;
    if (max > NPROC) max = NPROC;
    if (!vm_user_range_ok(curproc->pgdir, tf->ebx, max * sizeof(struct procinfo))) return E_FAULT;
    uint32_t n = 0;
    for (int i = 0; i < NPROC && n < max; i++) {
        struct proc *p = &proc_table[i];
        if (p->state == UNUSED) continue;
        struct procinfo info;
        info.pid = p->pid;
        info.ppid = p->parent ? p->parent->pid : 0;
        strlcpy(info.state, state_names[p->state], sizeof info.state);
        strlcpy(info.name, p->name, sizeof info.name);
        info.pages = p->pages;
        vm_copyout(curproc->pgdir, tf->ebx + n * sizeof info, &info, sizeof info);
        n++;
    }
    return (int) n;
}
