/*
 * syshostname.c: the machine's name; and THE PLANTED BUG.
 *
 *     sethostname(buf, n)   the name becomes the n bytes at buf (at most HOSTNAME_MAX)
 *     gethostname(buf, n)   the first n bytes of the name's buffer are copied to buf
 *
 * Every other system call moves data through vm_copyin and vm_copyout (vm.c), which look each
 * user page up in the caller's page table and refuse anything that is not the caller's. These
 * two were "written in a hurry": they memcpy straight through the pointer the caller passed.
 * For an honest program the result is the same, because the caller's pages are mapped while
 * the kernel runs on its behalf. But the kernel half of memory is mapped too, and the kernel
 * runs at CPL 0, so nothing stops the pointer from being a kernel address:
 *
 *     sethostname(kernel_address, n)  copies n bytes OF THE KERNEL into the name: a read
 *     gethostname(kernel_address, n)  copies the name INTO THE KERNEL:            a write
 *
 * Together they let any user program read and write any kernel memory, which is all a
 * rootkit needs (user/rootkit.c uses exactly this). Real kernels have had this very bug
 * (a missing access_ok() before a copy: CVE-2009-0065, CVE-2013-6282, many others); the fix
 * is to copy with vm_copyin / vm_copyout, as the lines marked BUG say.
 *
 * The bug is deliberate and stays: hvos is a teaching OS, and this is the door its rootkit
 * specimen comes in by. Nothing else in hvos trusts a user pointer.
 */
#include "defs.h"
#include "proc.h"
#include "../include/syscalls.h"

static char hostname[HOSTNAME_MAX] = "hvos";

int sys_sethostname(struct trapframe *tf) {
    uint32_t n = tf->ecx;
    if (n > HOSTNAME_MAX) return E_INVAL;
    memset(hostname, 0, sizeof hostname);
    memcpy(hostname, (const void *) tf->ebx, n);     /* BUG: vm_copyin(curproc->pgdir, hostname, tf->ebx, n) */
    return 0;
}

int sys_gethostname(struct trapframe *tf) {
    uint32_t n = tf->ecx;
    if (n > HOSTNAME_MAX) n = HOSTNAME_MAX;
    memcpy((void *) tf->ebx, hostname, n);           /* BUG: vm_copyout(curproc->pgdir, tf->ebx, hostname, n) */
    return (int) n;
}
