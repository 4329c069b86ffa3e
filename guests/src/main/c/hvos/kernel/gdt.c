/*
 * gdt.c: segments, and the task state segment.
 *
 * Paging does the real protection in hvos, so the segments are flat (base 0, limit 4 GiB);
 * x86 still insists on them because a segment's descriptor privilege level is what makes
 * code run at ring 0 or ring 3. The GDT therefore holds a code and a data segment for the
 * kernel (DPL 0) and the same two for user mode (DPL 3).
 *
 * The TSS matters for one field: when a trap arrives while the CPU runs user code, the CPU
 * switches to the stack at SS0:ESP0 from the TSS before it pushes anything. A user stack is
 * not to be trusted, so each process has its own kernel stack and the scheduler points ESP0
 * at it before running the process.
 */
#include "defs.h"
#include "mmu.h"
#include "x86.h"

static uint64_t gdt[NSEGS];
static uint32_t tss[26];   /* 104 bytes: the 32-bit TSS; we use ESP0 (word 1) and SS0 (word 2) */

/* A descriptor: base and limit scattered over 8 bytes for compatibility with the 286. */
static uint64_t descriptor(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags) {
    uint64_t d = limit & 0xFFFF;
    d |= (uint64_t) (base & 0xFFFFFF) << 16;
    d |= (uint64_t) access << 40;
    d |= (uint64_t) ((limit >> 16) & 0xF) << 48;
    d |= (uint64_t) (flags & 0xF) << 52;
    d |= (uint64_t) (base >> 24) << 56;
    return d;
}

void gdt_init(void) {
    /* access: present, DPL, code/data, type. flags 0xC: 4 KiB granularity, 32-bit. */
    gdt[SEG_KCODE] = descriptor(0, 0xFFFFF, 0x9A, 0xC);   /* DPL 0, execute/read */
    gdt[SEG_KDATA] = descriptor(0, 0xFFFFF, 0x92, 0xC);   /* DPL 0, read/write */
    gdt[SEG_UCODE] = descriptor(0, 0xFFFFF, 0xFA, 0xC);   /* DPL 3 */
    gdt[SEG_UDATA] = descriptor(0, 0xFFFFF, 0xF2, 0xC);
    tss[2] = KDATA_SEL;                                   /* SS0 */
    tss[25] = sizeof tss << 16;                           /* I/O map base past the end: no map */
    gdt[SEG_TSS] = descriptor((uint32_t) tss, sizeof tss - 1, 0x89, 0x0);  /* available 32-bit TSS */
    lgdt(gdt, sizeof gdt);
    /* Reload every segment register so the CPU uses the new table, CS by a far jump. */
    __asm__ volatile(
        "movw %0, %%ax\n"
        "movw %%ax, %%ds\n movw %%ax, %%es\n movw %%ax, %%fs\n movw %%ax, %%gs\n movw %%ax, %%ss\n"
        "ljmp %1, $1f\n"
        "1:\n"
        : : "i"(KDATA_SEL), "i"(KCODE_SEL) : "eax", "memory");
    ltr(TSS_SEL);
}

void tss_set_kstack(uint32_t esp0) {
    tss[1] = esp0;
}
