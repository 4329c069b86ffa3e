/*
 * pic.c: the two 8259A interrupt controllers.
 *
 * The PC's sixteen IRQ lines reach the CPU through two 8259s, the second cascaded into line 2
 * of the first. The BIOS leaves the first delivering IRQs 0-7 as vectors 8-15, on top of the
 * CPU's own exceptions (8 is the double fault!), so every protected-mode kernel moves them:
 * here to vectors 32-47. An interrupt handler must then say "end of interrupt" (EOI), or the
 * PIC will send nothing of that priority or lower again.
 */
#include "defs.h"
#include "x86.h"

#define PIC1 0x20
#define PIC2 0xA0
static uint16_t mask = 0xFFFF & ~(1 << 2);   /* all lines off but the cascade */

static void set_mask(void) {
    outb(PIC1 + 1, (uint8_t) mask);
    outb(PIC2 + 1, (uint8_t) (mask >> 8));
}

void pic_init(void) {
    /* ICW1: initialise, ICW4 follows. ICW2: the first vector. ICW3: the cascade wiring. ICW4: 8086 mode. */
    outb(PIC1, 0x11); outb(PIC1 + 1, 32); outb(PIC1 + 1, 1 << 2); outb(PIC1 + 1, 0x01);
    outb(PIC2, 0x11); outb(PIC2 + 1, 40); outb(PIC2 + 1, 2);      outb(PIC2 + 1, 0x01);
    set_mask();
}

void pic_enable(int irq) {
    mask &= ~(1 << irq);
    set_mask();
}

void pic_eoi(int irq) {
    if (irq >= 8) outb(PIC2, 0x20);
    outb(PIC1, 0x20);
}
