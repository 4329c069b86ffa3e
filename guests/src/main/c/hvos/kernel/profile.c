/*
 * profile.c: the kernel describes its own data structures to whoever looks from outside.
 *
 * A VMM that reads a guest's memory sees bytes; to list the guest's processes it must know
 * where the process table is and how a struct proc is laid out. LibVMI and Volatility call
 * such a description a profile. The build makes hvos.profile.json from `nm hvos.elf`: the
 * addresses of the kernel's globals, and the absolute symbols defined here, whose "addresses"
 * are really the sizes and offsets the compiler chose. They take no memory in the kernel.
 */
#include <stddef.h>
#include "defs.h"
#include "proc.h"
#include "../include/syscalls.h"

#define PUBLISH(name, value) __asm__ volatile(".globl " #name "\n.set " #name ", %c0" : : "i"(value))

__attribute__((used)) static void profile_symbols(void) {
    PUBLISH(profile_nproc, NPROC);
    PUBLISH(profile_proc_size, sizeof(struct proc));
    PUBLISH(profile_proc_pid, offsetof(struct proc, pid));
    PUBLISH(profile_proc_state, offsetof(struct proc, state));
    PUBLISH(profile_proc_name, offsetof(struct proc, name));
    PUBLISH(profile_proc_name_size, sizeof(((struct proc *) 0)->name));
    PUBLISH(profile_proc_pgdir, offsetof(struct proc, pgdir));
    PUBLISH(profile_proc_parent, offsetof(struct proc, parent));
    PUBLISH(profile_proc_kstack, offsetof(struct proc, kstack));
    PUBLISH(profile_proc_killed, offsetof(struct proc, killed));
    PUBLISH(profile_nsyscalls, NSYSCALLS);
    PUBLISH(profile_state_unused, UNUSED);
    PUBLISH(profile_state_embryo, EMBRYO);
    PUBLISH(profile_state_runnable, RUNNABLE);
    PUBLISH(profile_state_running, RUNNING);
    PUBLISH(profile_state_sleeping, SLEEPING);
    PUBLISH(profile_state_zombie, ZOMBIE);
}
