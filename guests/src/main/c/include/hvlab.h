/*
 * hvlab.h: what a guest written in C needs to talk to hvlab's machine (GUESTS.md): port I/O,
 * the COM1 console, the debug-exit port, and the Multiboot information hvlab hands over at boot.
 * No C library exists here (-ffreestanding -nostdlib): everything a guest uses, it brings.
 */
#ifndef HVLAB_H
#define HVLAB_H

typedef unsigned char uint8_t;
typedef unsigned short uint16_t;
typedef unsigned int uint32_t;
typedef unsigned long long uint64_t;

#define COM1 0x3F8
#define COM1_LSR (COM1 + 5)
#define DEBUG_EXIT 0xF4
#define MULTIBOOT_BOOT_MAGIC 0x2BADB002

/* IN and OUT: the instructions a guest kernel uses to reach devices. Under hvlab each one is a
 * trap into the VMM, which hands it to the device that owns the port. */
static inline void outb(uint16_t port, uint8_t value) {
    __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

static inline uint8_t inb(uint16_t port) {
    uint8_t value;
    __asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

/* Multiboot 0.6.96, section 3.3: the fields hvlab fills in. */
struct multiboot_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper;      /* KiB below 640K, KiB above 1 MiB (flags bit 0) */
    uint32_t boot_device;
    uint32_t cmdline;                   /* flags bit 2 */
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;    /* flags bit 6 */
    uint32_t drives_length, drives_addr;
    uint32_t config_table;
    uint32_t boot_loader_name;          /* flags bit 9 */
} __attribute__((packed));

/* One memory map entry; 'size' does not count itself, so the next entry is at +size+4. */
struct multiboot_mmap_entry {
    uint32_t size;
    uint64_t addr, len;
    uint32_t type;                      /* 1: RAM to use; anything else: leave alone */
} __attribute__((packed));

void put_char(char c);
void print(const char *text);
void print_unsigned(uint32_t n);
void print_hex(uint32_t n, int digits);
/* Ends the VM: hvlab's exit status is (code << 1) | 1, as QEMU's isa-debug-exit. */
void exit(int code) __attribute__((noreturn));

#endif
