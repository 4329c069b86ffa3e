/*
 * vm.c: page tables.
 *
 * Every process has its own page directory. Its low entries, the kernel half, all point at
 * the same page tables, made once at boot, which map all of RAM at its own address (identity
 * mapping), supervisor-only: a user program that touches kernel memory takes a page fault.
 * Its entries from 0x40000000 up map the process's own pages, with PTE_U set.
 *
 * The TLB caches translations; the CPU does not notice a changed page table entry by itself.
 * hvos changes entries only in page directories that are not loaded in CR3 (a process being
 * built, or one that has ended), and loading CR3 flushes the TLB, so it needs no INVLPG.
 */
#include "defs.h"
#include "mmu.h"
#include "memlayout.h"
#include "x86.h"
#include "../include/syscalls.h"

static uint32_t *kernel_pgdir;

static void *zalloc(void) {
    void *p = kalloc();
    if (p) memset(p, 0, PGSIZE);
    return p;
}

/* The kernel half: a page table for each 4 MiB of RAM, page 0 left out so that a null
 * pointer in the kernel faults instead of reading the interrupt vector table. */
void vm_init(void) {
    kernel_pgdir = zalloc();
    if (!kernel_pgdir) panic("no memory for the kernel's page directory");
    for (uint32_t a = PGSIZE; a < ram_top; a += PGSIZE) {
        uint32_t *pde = &kernel_pgdir[PDX(a)];
        if (!(*pde & PTE_P)) {
            uint32_t *pt = zalloc();
            if (!pt) panic("no memory for the kernel's page tables");
            *pde = (uint32_t) pt | PTE_P | PTE_W;
        }
        ((uint32_t *) PTE_ADDR(*pde))[PTX(a)] = a | PTE_P | PTE_W;
    }
    vm_switch(kernel_pgdir);
    write_cr0(read_cr0() | CR0_PG);   /* from here on every address goes through the tables */
}

uint32_t *vm_new_pgdir(void) {
    uint32_t *pgdir = zalloc();
    if (pgdir) {
        for (uint32_t i = 0; i < PDX(USER_BASE); i++) pgdir[i] = kernel_pgdir[i];
    }
    return pgdir;
}

/*
 * Run on pgdir's address space. Loading CR3 empties the TLB, which every later access then pays
 * to refill (under a VMM, with shadow page tables, dearly), so the scheduler keeps the address
 * space it has when it runs the same process again, and idles in whichever one it was left:
 * the kernel half is the same in all of them. A page directory is freed only by the parent
 * of a process that ended, running in its own address space, so CR3 never holds a freed one
 * that the CPU would use.
 */
static uint32_t *loaded;   /* what CR3 holds (reading CR3 would itself trap into the VMM) */

void vm_switch(uint32_t *pgdir) {
    if (pgdir != loaded) {
        write_cr3((uint32_t) pgdir);
        loaded = pgdir;
    }
}

/* The entry for va in pgdir's page table, making the table if `make`; 0 if there is none. */
static uint32_t *walk(uint32_t *pgdir, uint32_t va, int make) {
    uint32_t *pde = &pgdir[PDX(va)];
    if (!(*pde & PTE_P)) {
        if (!make) return 0;
        uint32_t *pt = zalloc();
        if (!pt) return 0;
        *pde = (uint32_t) pt | PTE_P | PTE_W | PTE_U;
    }
    return &((uint32_t *) PTE_ADDR(*pde))[PTX(va)];
}

/*
 * The user page at va: a fresh zeroed physical page if there is none yet, else the one there
 * (two ELF segments may share a page). *page is its physical address, which the kernel can
 * write through (identity mapping) whatever the PTE allows the user. Writable only if asked:
 * a program's code is read-only to itself.
 */
int vm_map_user(uint32_t *pgdir, uint32_t va, int writable, void **page) {
    uint32_t *pte = walk(pgdir, va, 1);
    if (!pte) return E_NOMEM;
    if (!(*pte & PTE_P)) {
        void *p = zalloc();
        if (!p) return E_NOMEM;
        *pte = (uint32_t) p | PTE_P | PTE_U;
    }
    if (writable) *pte |= PTE_W;
    *page = (void *) PTE_ADDR(*pte);
    return 0;
}

/* The physical address behind a user virtual address, or 0 if the user may not touch it. */
uint32_t vm_translate(uint32_t *pgdir, uint32_t va) {
    if (va < USER_BASE || va >= USER_STACK_TOP) return 0;
    uint32_t *pte = walk(pgdir, va, 0);
    if (!pte || (*pte & (PTE_P | PTE_U)) != (PTE_P | PTE_U)) return 0;
    return PTE_ADDR(*pte) | (va & (PGSIZE - 1));
}

/* Is every byte of [va, va+len) a user page? Checked first where a call must fail before it has
 * done anything it cannot undo (taken a line of input, collected a child). */
int vm_user_range_ok(uint32_t *pgdir, uint32_t va, uint32_t len) {
    if (va + len < va) return 0;
    for (uint32_t a = PGROUNDDOWN(va); a < va + len; a += PGSIZE) {
        if (!vm_translate(pgdir, a)) return 0;
    }
    return 1;
}

/* Copy a NUL-terminated user string of at most max - 1 characters; its length, or -1. */
int vm_user_string(uint32_t *pgdir, uint32_t va, char *dst, int max) {
    for (int i = 0; i < max; i++) {
        uint32_t pa = vm_translate(pgdir, va + i);
        if (!pa) return -1;
        dst[i] = *(char *) pa;
        if (!dst[i]) return i;
    }
    return -1;
}

/*
 * Copy between the kernel and a process's memory, page by page, through the physical addresses
 * the process's page table names. The kernel never dereferences a user pointer itself: each
 * page is checked (present, user) as it is reached, and the copy works whether or not that
 * process's page directory is the one in CR3 (spawn fills a process that has not run yet).
 */
int vm_copyout(uint32_t *pgdir, uint32_t va, const void *src, uint32_t n) {
    const char *s = src;
    while (n > 0) {
        uint32_t pa = vm_translate(pgdir, va);
        if (!pa) return E_FAULT;
        uint32_t chunk = PGSIZE - (va & (PGSIZE - 1));
        if (chunk > n) chunk = n;
        memcpy((void *) pa, s, chunk);
        s += chunk, va += chunk, n -= chunk;
    }
    return 0;
}

int vm_copyin(uint32_t *pgdir, void *dst, uint32_t va, uint32_t n) {
    char *d = dst;
    while (n > 0) {
        uint32_t pa = vm_translate(pgdir, va);
        if (!pa) return E_FAULT;
        uint32_t chunk = PGSIZE - (va & (PGSIZE - 1));
        if (chunk > n) chunk = n;
        memcpy(d, (void *) pa, chunk);
        d += chunk, va += chunk, n -= chunk;
    }
    return 0;
}

/* Free the user half and the directory itself; returns how many user pages there were. */
uint32_t vm_free_user(uint32_t *pgdir) {
    uint32_t pages = 0;
    for (uint32_t i = PDX(USER_BASE); i < 1024; i++) {
        if (!(pgdir[i] & PTE_P)) continue;
        uint32_t *pt = (uint32_t *) PTE_ADDR(pgdir[i]);
        for (int j = 0; j < 1024; j++) {
            if (pt[j] & PTE_P) {
                kfree((void *) PTE_ADDR(pt[j]));
                pages++;
            }
        }
        kfree(pt);
    }
    kfree(pgdir);
    return pages;
}
