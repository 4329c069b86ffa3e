/*
 * proc.c: processes and the scheduler.
 *
 * One CPU, so at most one process runs; the others wait in proc_table. The scheduler runs on
 * its own stack (the boot stack) and loops over the table round-robin: it picks a RUNNABLE
 * process, loads its page directory and kernel stack, and swtch()es to it. The process comes
 * back to the scheduler through sched() when it yields its turn (the timer said so), sleeps
 * (waiting for input, the disk, time or a child) or exits.
 *
 * Sleeping is waiting on a "channel", any address that names the event; wakeup(chan) makes
 * every process sleeping on it runnable again. Interrupts are off in the kernel, so nothing
 * can slip between deciding to sleep and sleeping.
 */
#include "defs.h"
#include "mmu.h"
#include "proc.h"
#include "x86.h"
#include "../include/syscalls.h"

struct proc proc_table[NPROC];
struct proc *curproc;
static struct context *scheduler_context;
static int next_pid = 1;

void swtch(struct context **old, struct context *new);
void trapret(void);

void proc_init(void) {
    memset(proc_table, 0, sizeof proc_table);
}

/* A new process begins in swtch()'s `ret`, which lands here, which returns to trapret. */
static void forkret(void) {
}

/*
 * A slot and a kernel stack for a new process, laid out so that the first swtch() to it
 * "returns" into forkret and from there into trapret, which pops the trap frame (filled in by
 * spawn) and IRETs into user mode:
 *
 *     kstack + KSTACK_SIZE -> +------------------+
 *                             | struct trapframe |  p->tf
 *                             | &trapret         |  forkret's return address
 *                             | struct context   |  p->context, eip = forkret
 */
struct proc *proc_alloc(void) {
    struct proc *p = 0;
    for (int i = 0; i < NPROC && !p; i++) {
        if (proc_table[i].state == UNUSED) p = &proc_table[i];
    }
    if (!p) return 0;
    memset(p, 0, sizeof *p);
    p->kstack = kalloc();
    if (!p->kstack) return 0;
    p->state = EMBRYO;
    p->pid = next_pid++;
    uint8_t *sp = p->kstack + KSTACK_SIZE;
    sp -= sizeof *p->tf;
    p->tf = (struct trapframe *) sp;
    memset(p->tf, 0, sizeof *p->tf);
    sp -= 4;
    *(uint32_t *) sp = (uint32_t) trapret;
    sp -= sizeof *p->context;
    p->context = (struct context *) sp;
    memset(p->context, 0, sizeof *p->context);
    p->context->eip = (uint32_t) forkret;
    return p;
}

/* Give back everything a process had; its slot becomes free. */
void proc_free(struct proc *p) {
    if (p->pgdir) vm_free_user(p->pgdir);
    if (p->kstack) kfree(p->kstack);
    memset(p, 0, sizeof *p);
}

void scheduler(void) {
    for (;;) {
        int ran = 0;
        for (int i = 0; i < NPROC; i++) {
            struct proc *p = &proc_table[i];
            if (p->state != RUNNABLE) continue;
            curproc = p;
            tss_set_kstack((uint32_t) p->kstack + KSTACK_SIZE);
            vm_switch(p->pgdir);
            p->state = RUNNING;
            swtch(&scheduler_context, p->context);
            curproc = 0;
            ran = 1;
        }
        if (!ran) {
            /* Nothing to run: let interrupts in and halt until one comes. */
            sti();
            hlt();
            cli();
        }
    }
}

static void sched(void) {
    swtch(&curproc->context, scheduler_context);
}

void yield(void) {
    curproc->state = RUNNABLE;
    sched();
}

void sleep_on(void *chan) {
    curproc->chan = chan;
    curproc->state = SLEEPING;
    sched();
    curproc->chan = 0;
}

void wakeup(void *chan) {
    for (int i = 0; i < NPROC; i++) {
        if (proc_table[i].state == SLEEPING && proc_table[i].chan == chan) proc_table[i].state = RUNNABLE;
    }
}

/* End the current process. It stays a ZOMBIE, holding its exit status, until its parent
 * collects it with wait(); its children are handed to init, which waits for everyone. */
void proc_exit(int status) {
    struct proc *init = &proc_table[0];         /* the first process made takes the first slot */
    if (curproc == init) panic("init exited (status %d)", status);
    for (int i = 0; i < NOFILE; i++) curproc->ofile[i].used = 0;
    for (int i = 0; i < NPROC; i++) {
        if (proc_table[i].parent == curproc) {
            proc_table[i].parent = init;
            if (proc_table[i].state == ZOMBIE) wakeup(init);
        }
    }
    curproc->xstatus = status;
    curproc->state = ZOMBIE;
    if (curproc->parent) wakeup(curproc->parent);
    sched();
    panic("a zombie ran");
}

int proc_wait(int *status) {
    for (;;) {
        int children = 0;
        for (int i = 0; i < NPROC; i++) {
            struct proc *p = &proc_table[i];
            if (p->parent != curproc || p->state == UNUSED) continue;
            children = 1;
            if (p->state == ZOMBIE) {
                int pid = p->pid;
                *status = p->xstatus;
                proc_free(p);
                return pid;
            }
        }
        if (!children) return E_CHILD;
        sleep_on(curproc);
    }
}
