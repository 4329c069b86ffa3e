/*
 * trap.c: where every interrupt, exception and system call arrives.
 *
 * The IDT maps each of the 256 vectors to a stub in trapasm.S; all of them end up in trap()
 * below with a trap frame. Vectors 0-31 are the CPU's exceptions, 32-47 the sixteen IRQ lines
 * of the two PICs (pic.c moves them there), 0x80 the system call.
 *
 * All gates are interrupt gates: the CPU clears IF on entry, so the kernel runs with
 * interrupts off and never has to fear being interrupted halfway through changing a list.
 * Only user code, and the idle scheduler, run with interrupts on.
 */
#include "defs.h"
#include "mmu.h"
#include "x86.h"
#include "proc.h"
#include "net.h"
#include "../include/syscalls.h"

#define T_IRQ0 32
#define IRQ_TIMER 0
#define IRQ_COM1 4
#define IRQ_NIC 11
#define IRQ_IDE 14

extern uint32_t vectors[];          /* trapasm.S */
static uint64_t idt[256];

static const char *exception_names[32] = {
    "divide error", "debug", "NMI", "breakpoint", "overflow", "bound range exceeded",
    "invalid opcode", "device not available", "double fault", "coprocessor segment overrun",
    "invalid TSS", "segment not present", "stack fault", "general protection fault",
    "page fault", "reserved (15)", "x87 floating-point error", "alignment check",
    "machine check", "SIMD floating-point error",
};

/* A gate: the handler's address split around the code selector, and the type and DPL. */
static uint64_t gate(uint32_t handler, uint8_t dpl) {
    uint64_t g = handler & 0xFFFF;
    g |= (uint64_t) KCODE_SEL << 16;
    g |= (uint64_t) (0x8E | (dpl << 5)) << 40;   /* present, 32-bit interrupt gate */
    g |= (uint64_t) (handler >> 16) << 48;
    return g;
}

void idt_init(void) {
    for (int i = 0; i < 256; i++) idt[i] = gate(vectors[i], 0);
    idt[T_SYSCALL] = gate(vectors[T_SYSCALL], 3);   /* the one gate user code may call */
    lidt(idt, sizeof idt);
}

static const char *exception_name(uint32_t n) {
    return n < 32 && exception_names[n] ? exception_names[n] : "reserved exception";
}

/* An exception in a user program: it, not the system, is wrong. Say so and end it. */
static void kill_user(struct trapframe *tf) {
    if (tf->trapno == 14) {
        kprintf("fault: pid %d (%s) killed: page fault at %p (eip %p)\n",
                curproc->pid, curproc->name, read_cr2(), tf->eip);
    } else {
        kprintf("fault: pid %d (%s) killed: %s (eip %p)\n",
                curproc->pid, curproc->name, exception_name(tf->trapno), tf->eip);
    }
    proc_exit(-1);
}

/* Nothing the kernel expected: an exception (a user program's ends it, the kernel's is a panic). */
static void unexpected(struct trapframe *tf, int from_user) {
    if (tf->trapno < 32 && from_user) kill_user(tf);
    if (tf->trapno == 14) {
        panic("page fault at %p in the kernel (eip %p, error %x)", read_cr2(), tf->eip, tf->err);
    }
    panic("%s in the kernel (trap %d, eip %p, error %x)", tf->trapno < 32 ? exception_name(tf->trapno) : "unexpected interrupt",
          tf->trapno, tf->eip, tf->err);
}

void trap(struct trapframe *tf) {
    int from_user = (tf->cs & 3) == 3;
    if (from_user) curproc->tf = tf;

    switch (tf->trapno) {
    case T_SYSCALL:
        syscall(tf);
        break;
    case T_IRQ0 + IRQ_TIMER:
        timer_intr();
        pic_eoi(IRQ_TIMER);
        if (from_user) yield();     /* the time slice is over: preempt the program */
        break;
    case T_IRQ0 + IRQ_COM1:
        console_intr();
        pic_eoi(IRQ_COM1);
        break;
    case T_IRQ0 + IRQ_NIC:
        nic_intr();
        pic_eoi(IRQ_NIC);
        break;
    case T_IRQ0 + IRQ_IDE:
        ide_intr();
        pic_eoi(IRQ_IDE);
        break;
    case T_IRQ0 + 7:
    case T_IRQ0 + 15:
        break;                      /* spurious: the PIC changed its mind; no EOI */
    default:
        unexpected(tf, from_user);
    }
    /* Killed from outside: the VMM's `vmi kill` sets p->killed through the OS profile, and the
     * process ends here, on its way back to user mode, never in the middle of the kernel's work
     * (xv6's kill works the same way). A running program gets here at its next timer tick; one
     * asleep in the kernel when it next leaves it. */
    if (from_user && curproc->killed) {
        kprintf("hvos: pid %d (%s) killed from outside\n", curproc->pid, curproc->name);
        proc_exit(-9);
    }
}
