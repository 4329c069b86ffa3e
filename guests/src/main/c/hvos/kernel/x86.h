/*
 * x86.h: the few instructions C cannot say, as inline assembly.
 *
 * Port I/O (in/out) is how a PC talks to its devices: the serial line, the interrupt
 * controllers, the timer and the disk each answer on a handful of I/O ports. The control
 * registers (CR0, CR2, CR3) steer the MMU; under hvlab each access to them traps into the
 * VMM, which keeps the guest's idea of them in a virtual CPU.
 */
#ifndef HVOS_X86_H
#define HVOS_X86_H
#include <stdint.h>

static inline uint8_t inb(uint16_t port) {
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "d"(port));
    return v;
}

static inline void outb(uint16_t port, uint8_t v) {
    __asm__ volatile("outb %0, %1" : : "a"(v), "d"(port));
}

/* Read n 16-bit words from a port into memory: how an ATA drive hands over a sector.
 * Written "rep; insw" so that the assembler puts REP (f3) before the operand-size prefix (66):
 * Capstone 4, which hvlab's VMM decodes with, reads "66 f3 6d" as `rep insd` (dwords). */
static inline void insw(uint16_t port, void *dst, int n) {
    __asm__ volatile("cld; rep; insw" : "+D"(dst), "+c"(n) : "d"(port) : "memory");
}

static inline void cli(void) { __asm__ volatile("cli"); }
static inline void sti(void) { __asm__ volatile("sti"); }
static inline void hlt(void) { __asm__ volatile("hlt"); }

static inline uint32_t read_cr0(void) { uint32_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline void write_cr0(uint32_t v) { __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
static inline uint32_t read_cr2(void) { uint32_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline uint32_t read_cr3(void) { uint32_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline void write_cr3(uint32_t v) { __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }

/* Load a descriptor table register from a 6-byte operand: 16-bit limit, 32-bit base. */
static inline void lgdt(void *table, uint16_t size) {
    volatile uint16_t pd[3] = {(uint16_t) (size - 1), (uint16_t) (uint32_t) table, (uint16_t) ((uint32_t) table >> 16)};
    __asm__ volatile("lgdt (%0)" : : "r"(pd));
}

static inline void lidt(void *table, uint16_t size) {
    volatile uint16_t pd[3] = {(uint16_t) (size - 1), (uint16_t) (uint32_t) table, (uint16_t) ((uint32_t) table >> 16)};
    __asm__ volatile("lidt (%0)" : : "r"(pd));
}

static inline void ltr(uint16_t sel) { __asm__ volatile("ltr %0" : : "r"(sel)); }

#endif
