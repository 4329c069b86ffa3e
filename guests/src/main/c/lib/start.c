/*
 * The start of every C guest: the Multiboot header a loader looks for, the entry point, a stack,
 * and the console routines of hvlab.h. A guest provides
 *     int main(uint32_t magic, struct multiboot_info *info);
 * and what main returns becomes the VM's exit status.
 */
#include "hvlab.h"

#define MULTIBOOT_HEADER_MAGIC 0x1BADB002
#define MULTIBOOT_MEMORY_INFO (1 << 1)   /* "tell me about memory": the map */

int main(uint32_t magic, struct multiboot_info *info);

/* The header: magic, flags, and a checksum making the three sum to zero (Multiboot 3.1.1).
 * No address fields: the image is ELF, so the loader reads where it goes from its program headers. */
__attribute__((section(".multiboot"), used, aligned(4)))
static const uint32_t multiboot_header[3] = {
    MULTIBOOT_HEADER_MAGIC, MULTIBOOT_MEMORY_INFO, -(MULTIBOOT_HEADER_MAGIC + MULTIBOOT_MEMORY_INFO),
};

uint8_t guest_stack[16384] __attribute__((aligned(16)));

/* The loader leaves ESP undefined (Multiboot 3.2): set our own stack before any C runs, then pass
 * EAX (the boot magic) and EBX (the information's address) to main as its two arguments. */
__asm__(
    ".text\n"
    ".globl _start\n"
    "_start:\n"
    "    mov  $guest_stack + 16384, %esp\n"
    "    push %ebx\n"
    "    push %eax\n"
    "    call start_c\n");

__attribute__((used, noreturn)) void start_c(uint32_t magic, struct multiboot_info *info) {
    exit(main(magic, info));
}

void put_char(char c) {
    while (!(inb(COM1_LSR) & 0x20)) {
        /* wait until the transmitter holding register is empty */
    }
    outb(COM1, (uint8_t) c);
}

void print(const char *text) {
    while (*text) {
        put_char(*text++);
    }
}

void print_unsigned(uint32_t n) {
    char digits[10];
    int count = 0;
    do {
        digits[count++] = (char) ('0' + n % 10);
        n /= 10;
    } while (n);
    while (count) {
        put_char(digits[--count]);
    }
}

void print_hex(uint32_t n, int digits) {
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
        put_char("0123456789abcdef"[(n >> shift) & 0xF]);
    }
}

void exit(int code) {
    outb(DEBUG_EXIT, (uint8_t) code);
    for (;;) {
        __asm__ volatile("hlt");
    }
}
