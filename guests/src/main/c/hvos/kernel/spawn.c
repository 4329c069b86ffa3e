/*
 * spawn.c: make a new process running a program from the disk.
 *
 * Unix splits this into fork (copy me) and exec (replace me); hvos does both at once, as
 * posix_spawn does, because a copy of the caller is never needed here. The steps:
 *   1. a process slot, a kernel stack, a page directory (kernel half included);
 *   2. each PT_LOAD segment of the ELF file: fresh zeroed user pages, writable only if the
 *      segment is (code is not), the file's bytes copied in (the kernel writes them through the
 *      pages' physical addresses, identity-mapped, whatever the user may do with them);
 *   3. a user stack at the top of the user half, with argc and argv laid on it as C's
 *      main(argc, argv) expects to find them;
 *   4. a trap frame that "returns" to the program's entry point at CPL 3, interrupts on.
 */
#include "defs.h"
#include "elf.h"
#include "memlayout.h"
#include "mmu.h"
#include "proc.h"
#include "../include/fsformat.h"
#include "../include/syscalls.h"

#define USER_STACK_BOTTOM (USER_STACK_TOP - USER_STACK_PAGES * PGSIZE)

static int load_segment(struct proc *p, struct fs_dirent *file, struct elf_phdr *ph) {
    if (ph->memsz < ph->filesz || ph->vaddr < USER_BASE || ph->vaddr + ph->memsz < ph->vaddr
        || ph->vaddr + ph->memsz > USER_STACK_BOTTOM) {
        return E_NOEXEC;
    }
    for (uint32_t va = PGROUNDDOWN(ph->vaddr); va < ph->vaddr + ph->memsz; va += PGSIZE) {
        void *page;
        int had = vm_translate(p->pgdir, va) != 0;    /* two segments may share a page */
        if (vm_map_user(p->pgdir, va, ph->flags & PF_W, &page) < 0) return E_NOMEM;
        if (!had) p->pages++;
        uint32_t pa = (uint32_t) page;
        /* The part of this page that comes from the file: [from, to) in virtual addresses. */
        uint32_t from = va < ph->vaddr ? ph->vaddr : va;
        uint32_t to = va + PGSIZE < ph->vaddr + ph->filesz ? va + PGSIZE : ph->vaddr + ph->filesz;
        if (from < to) {
            uint32_t n = to - from;
            if (fs_read(file->start, file->size, ph->offset + (from - ph->vaddr), (void *) (pa + (from - va)), n) != (int) n) {
                return E_NOEXEC;
            }
        }
    }
    return 0;
}

/* The user stack: argument strings at the top, then argv[], then argc and argv for main. */
static int setup_stack(struct proc *p, char **argv, int argc, uint32_t *esp) {
    for (uint32_t va = USER_STACK_BOTTOM; va < USER_STACK_TOP; va += PGSIZE) {
        void *page;
        if (vm_map_user(p->pgdir, va, 1, &page) < 0) return E_NOMEM;
        p->pages++;
    }
    uint32_t sp = USER_STACK_TOP;
    uint32_t uargv[MAXARG + 1];
    for (int i = 0; i < argc; i++) {
        uint32_t n = strlen(argv[i]) + 1;
        sp -= n;
        if (sp < USER_STACK_TOP - PGSIZE) return E_INVAL;   /* the arguments must fit in a page */
        vm_copyout(p->pgdir, sp, argv[i], n);
        uargv[i] = sp;
    }
    uargv[argc] = 0;
    sp &= ~3u;
    sp -= (argc + 1) * 4;
    vm_copyout(p->pgdir, sp, uargv, (argc + 1) * 4);
    uint32_t frame[3] = {0 /* no return address: main's caller is crt0 */, (uint32_t) argc, sp};
    sp -= sizeof frame;
    vm_copyout(p->pgdir, sp, frame, sizeof frame);
    *esp = sp;
    return 0;
}

int spawn(const char *path, char **argv, int argc, struct proc *parent) {
    struct fs_dirent *file = fs_lookup(path);
    if (!file) return E_NOENT;
    struct elf_header eh;
    if (fs_read(file->start, file->size, 0, &eh, sizeof eh) != sizeof eh || eh.magic != ELF_MAGIC
        || eh.type != ET_EXEC || eh.machine != EM_386 || eh.phentsize != sizeof(struct elf_phdr)) {
        return E_NOEXEC;
    }
    struct proc *p = proc_alloc();
    if (!p) return E_NOMEM;
    int err = E_NOMEM;
    p->pgdir = vm_new_pgdir();
    if (!p->pgdir) goto fail;
    for (int i = 0; i < eh.phnum; i++) {
        struct elf_phdr ph;
        err = E_NOEXEC;
        if (fs_read(file->start, file->size, eh.phoff + i * sizeof ph, &ph, sizeof ph) != sizeof ph) goto fail;
        if (ph.type != PT_LOAD) continue;
        if ((err = load_segment(p, file, &ph)) < 0) goto fail;
    }
    uint32_t esp;
    if ((err = setup_stack(p, argv, argc, &esp)) < 0) goto fail;

    struct trapframe *tf = p->tf;
    tf->cs = UCODE_SEL;
    tf->ds = tf->es = tf->fs = tf->gs = tf->ss = UDATA_SEL;
    tf->eflags = FL_IF;          /* user code runs with interrupts on: the timer can preempt it */
    tf->esp = esp;
    tf->eip = eh.entry;
    strlcpy(p->name, file->name, sizeof p->name);
    p->parent = parent;
    p->state = RUNNABLE;
    return p->pid;

fail:
    proc_free(p);
    return err;
}
