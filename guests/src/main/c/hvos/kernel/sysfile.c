/*
 * sysfile.c: the system calls about files.
 *
 * File descriptors 0, 1 and 2 are the console (standard input, output, error) in every
 * process; open() hands out 3 and up, each an index into the caller's own table of open files.
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
    for (uint32_t i = 0; i < n; i++) console_putc(((char *) buf)[i]);
    return (int) n;
}

int sys_read(struct trapframe *tf) {
    uint32_t fd = tf->ebx, buf = tf->ecx, n = tf->edx;
    if (!vm_user_range_ok(curproc->pgdir, buf, n)) return E_FAULT;
    if (fd == 0) return console_read((char *) buf, (int) n);
    struct file *f = fd_file(fd);
    if (!f) return E_BADF;
    int got = fs_read(f->start, f->size, f->off, (void *) buf, n);
    if (got > 0) f->off += got;
    return got;
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
    if (!vm_user_range_ok(curproc->pgdir, tf->ecx, sizeof(struct dirinfo))) return E_FAULT;
    struct fs_dirent *d = fs_entry((int) tf->ebx);
    if (!d) return 0;
    struct dirinfo *out = (struct dirinfo *) tf->ecx;
    strlcpy(out->name, d->name, sizeof out->name);
    out->size = d->size;
    return 1;
}
