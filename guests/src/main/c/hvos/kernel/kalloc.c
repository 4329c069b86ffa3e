/*
 * kalloc.c: the physical page allocator.
 *
 * The loader tells us which physical memory is RAM (the Multiboot memory map); everything
 * usable above the kernel's image becomes a list of free 4 KiB pages, each free page holding
 * the link to the next one inside itself. Memory below 1 MiB is left alone: it holds the
 * Multiboot information, and on a PC the legacy hole (video memory, the BIOS).
 */
#include "defs.h"
#include "mmu.h"
#include "memlayout.h"
#include "multiboot.h"

struct run {
    struct run *next;
};

static struct run *free_list;
static uint32_t free_pages;
uint32_t ram_top;            /* the end of the highest RAM the kernel uses: vm.c maps [0, ram_top) */

static void add_range(uint32_t start, uint32_t end, uint32_t kernel_end) {
    if (start < kernel_end) start = kernel_end;
    start = PGROUNDUP(start);
    end = PGROUNDDOWN(end);
    for (uint32_t a = start; a + PGSIZE <= end && a >= start; a += PGSIZE) kfree((void *) a);
    if (end > ram_top) ram_top = end;
}

/* The usable ranges are noted first and freed after: freeing writes into the pages, and a loader
 * may have left the memory map itself in one of them. */
#define MAX_RANGES 16

void kalloc_init(struct multiboot_info *mb, uint32_t kernel_end) {
    uint32_t start[MAX_RANGES], end[MAX_RANGES];
    int n = 0;
    if (mb->flags & MB_INFO_MMAP) {
        for (uint32_t a = mb->mmap_addr; a < mb->mmap_addr + mb->mmap_length && n < MAX_RANGES;) {
            struct multiboot_mmap *m = (struct multiboot_mmap *) a;
            if (m->type == 1 && m->addr < KERNEL_TOP) {
                uint64_t top = m->addr + m->len;
                start[n] = (uint32_t) m->addr;
                end[n++] = top > KERNEL_TOP ? KERNEL_TOP : (uint32_t) top;
            }
            a += m->size + 4;
        }
    } else if (mb->flags & MB_INFO_MEMORY) {
        start[n] = 0x100000;
        end[n++] = 0x100000 + mb->mem_upper * 1024;
    }
    for (int i = 0; i < n; i++) add_range(start[i], end[i], kernel_end);
    if (!free_pages) panic("no memory: the loader's memory map shows no RAM above the kernel");
}

void kfree(void *page) {
    struct run *r = page;
    r->next = free_list;
    free_list = r;
    free_pages++;
}

/* One page, or 0 when memory is all used. Not zeroed. */
void *kalloc(void) {
    struct run *r = free_list;
    if (r) {
        free_list = r->next;
        free_pages--;
    }
    return r;
}

uint32_t kalloc_free_pages(void) {
    return free_pages;
}
