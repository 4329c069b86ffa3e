/*
 * timer.c: the 8254 programmable interval timer, the kernel's heartbeat.
 *
 * Counter 0 counts down from a divisor at 1.193182 MHz and raises IRQ 0 each time it reaches
 * zero (mode 2, a rate generator). Each tick the kernel counts time, wakes sleepers, and takes
 * the CPU away from a user program that has had its turn: without this interrupt, a program
 * that loops forever would own the machine.
 */
#include "defs.h"
#include "param.h"
#include "x86.h"
#include "net.h"

volatile uint32_t ticks;

void timer_init(void) {
    uint32_t divisor = 1193182 / HZ;
    outb(0x43, 0x34);                        /* counter 0, low then high byte, mode 2 */
    outb(0x40, (uint8_t) divisor);
    outb(0x40, (uint8_t) (divisor >> 8));
    pic_enable(0);
}

void timer_intr(void) {
    ticks++;
    wakeup((void *) &ticks);
    net_tick();                              /* whoever waits for an answer looks at the clock */
}
