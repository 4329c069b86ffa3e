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
    write_cr3((uint32_t) kernel_pgdir);
    write_cr0(read_cr0() | CR0_PG);   /* from here on every address goes through the tables */
}

uint32_t *vm_new_pgdir(void) {
    uint32_t *pgdir = zalloc();
    if (pgdir) {
        for (uint32_t i = 0; i < PDX(USER_BASE); i++) pgdir[i] = kernel_pgdir[i];
    }
    return pgdir;
}

void vm_switch(uint32_t *pgdir) {
    write_cr3((uint32_t) (pgdir ? pgdir : kernel_pgdir));
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

/* Is every byte of [va, va+len) a user page? A system call checks before it trusts a pointer. */
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

/* Copy into another process's memory (one being built): page by page, through physical addresses. */
int vm_copyout(uint32_t *pgdir, uint32_t va, const void *src, uint32_t n) {
    const char *s = src;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t pa = vm_translate(pgdir, va + i);
        if (!pa) return E_FAULT;
        *(char *) pa = s[i];
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
