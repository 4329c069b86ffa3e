/*
 * mmu.h: what the x86 MMU reads from memory: segment descriptors and page tables.
 *
 * A 32-bit virtual address is split 10/10/12: the top ten bits pick one of 1024 entries in
 * the page directory (whose physical address is in CR3), the next ten pick an entry in the page
 * table that entry points to, and the last twelve are the offset in the 4 KiB page found there.
 */
#ifndef HVOS_MMU_H
#define HVOS_MMU_H

#define PGSIZE 4096
#define PGROUNDUP(a) (((a) + PGSIZE - 1) & ~(PGSIZE - 1))
#define PGROUNDDOWN(a) ((a) & ~(PGSIZE - 1))

#define PDX(va) (((uint32_t) (va) >> 22) & 0x3FF)   /* page directory index */
#define PTX(va) (((uint32_t) (va) >> 12) & 0x3FF)   /* page table index */
#define PTE_ADDR(e) ((e) & ~0xFFFu)

#define PTE_P 0x001   /* present: without it, any access is a page fault */
#define PTE_W 0x002   /* writable */
#define PTE_U 0x004   /* user: CPL 3 may touch it; without it, only the kernel */

#define CR0_PG 0x80000000u   /* paging on */

/* Segment selectors: index into the GDT, times 8, plus the requested privilege level. */
#define SEG_KCODE 1
#define SEG_KDATA 2
#define SEG_UCODE 3
#define SEG_UDATA 4
#define SEG_TSS 5
#define NSEGS 6
#define KCODE_SEL (SEG_KCODE << 3)
#define KDATA_SEL (SEG_KDATA << 3)
#define UCODE_SEL ((SEG_UCODE << 3) | 3)
#define UDATA_SEL ((SEG_UDATA << 3) | 3)
#define TSS_SEL (SEG_TSS << 3)

#define FL_IF 0x200   /* EFLAGS: interrupts enabled */

#endif
