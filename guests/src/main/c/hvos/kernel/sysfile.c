/*
 * sysfile.c: the system calls about files.
 *
 * File descriptors 0, 1 and 2 are the console (standard input, output, error) in every
 * process; open() hands out 3 and up, each an index into the caller's own table of open files.
 * Data moves between the caller's memory and a buffer on the kernel stack, a chunk at a time,
 * by vm_copyin and vm_copyout (vm.c).
 */
#include "defs.h"
#include "proc.h"
#include "../include/fsformat.h"
#include "../include/syscalls.h"

#define FD_FIRST_FILE 3

static struct file *fd_file(uint32_t fd) {
    if (fd < FD_FIRST_FILE || fd >= FD_FIRST_FILE + NOFILE) return 0;
    struct file *f = &curproc->ofile[fd - FD_FIRST_FILE];
    return f->used ? f : 0;
}

int sys_write(struct trapframe *tf) {
    uint32_t fd = tf->ebx, buf = tf->ecx, n = tf->edx;
    if (fd != 1 && fd != 2) return E_BADF;
    if (!vm_user_range_ok(curproc->pgdir, buf, n)) return E_FAULT;
    char chunk[256];
    for (uint32_t done = 0; done < n;) {
        uint32_t take = n - done < sizeof chunk ? n - done : sizeof chunk;
        vm_copyin(curproc->pgdir, chunk, buf + done, take);
        for (uint32_t i = 0; i < take; i++) console_putc(chunk[i]);
        done += take;
    }
    return (int) n;
}

int sys_read(struct trapframe *tf) {
    uint32_t fd = tf->ebx, buf = tf->ecx, n = tf->edx;
    if (!vm_user_range_ok(curproc->pgdir, buf, n)) return E_FAULT;
    char chunk[SECTOR_SIZE];
    if (fd == 0) {
        int got = console_read(chunk, n < sizeof chunk ? (int) n : (int) sizeof chunk);
        return vm_copyout(curproc->pgdir, buf, chunk, got) < 0 ? E_FAULT : got;
    }
    struct file *f = fd_file(fd);
    if (!f) return E_BADF;
    uint32_t done = 0;
    while (done < n) {
        uint32_t want = n - done < sizeof chunk ? n - done : sizeof chunk;
        int got = fs_read(f->start, f->size, f->off, chunk, want);
        if (got < 0) return done ? (int) done : -1;
        if (got == 0) break;
        if (vm_copyout(curproc->pgdir, buf + done, chunk, got) < 0) return E_FAULT;
        f->off += got;
        done += got;
    }
    return (int) done;
}

int sys_open(struct trapframe *tf) {
    char path[FS_NAME_MAX];
    if (vm_user_string(curproc->pgdir, tf->ebx, path, sizeof path) < 0) return E_NOENT;
    struct fs_dirent *d = fs_lookup(path);
    if (!d) return E_NOENT;
    for (int i = 0; i < NOFILE; i++) {
        struct file *f = &curproc->ofile[i];
        if (!f->used) {
            f->used = 1;
            f->start = d->start;
            f->size = d->size;
            f->off = 0;
            return FD_FIRST_FILE + i;
        }
    }
    return E_NOMEM;
}

int sys_close(struct trapframe *tf) {
    struct file *f = fd_file(tf->ebx);
    if (!f) return E_BADF;
    f->used = 0;
    return 0;
}

int sys_readdir(struct trapframe *tf) {
    struct fs_dirent *d = fs_entry((int) tf->ebx);
    if (!d) return 0;
    struct dirinfo out;
    strlcpy(out.name, d->name, sizeof out.name);
    out.size = d->size;
    return vm_copyout(curproc->pgdir, tf->ecx, &out, sizeof out) < 0 ? E_FAULT : 1;
}
