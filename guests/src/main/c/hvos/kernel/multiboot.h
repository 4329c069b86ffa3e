/*
 * multiboot.h: what a Multiboot loader (GRUB, QEMU's -kernel, hvlab) leaves for the kernel:
 * EAX = 0x2BADB002 and EBX = the address of this structure (Multiboot Specification 0.6.96, 3.3).
 */
#ifndef HVOS_MULTIBOOT_H
#define HVOS_MULTIBOOT_H
#include <stdint.h>

#define MULTIBOOT_BOOT_MAGIC 0x2BADB002
#define MB_INFO_MEMORY (1 << 0)
#define MB_INFO_CMDLINE (1 << 2)
#define MB_INFO_MMAP (1 << 6)

struct multiboot_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper;   /* KiB below 640 KiB, KiB above 1 MiB */
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
};

/* One entry of the memory map. `size` does not count itself: the next entry is size + 4 on. */
struct multiboot_mmap {
    uint32_t size;
    uint64_t addr;
    uint64_t len;
    uint32_t type;                   /* 1: RAM we may use; anything else: keep out */
} __attribute__((packed));

#endif
