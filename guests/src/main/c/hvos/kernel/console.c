/*
 * console.c: the serial line (COM1, a 16550 UART) is hvos's terminal.
 *
 * Output is polled: wait until the transmitter holding register is empty, write the byte.
 * Input is interrupt-driven: the UART raises IRQ 4 when a byte arrives, and the interrupt
 * handler moves every waiting byte out of the UART's 16-byte FIFO into a line buffer here,
 * echoing it, so nothing is lost while a program computes. A reader sleeps until a whole line
 * is there (the terminal's "cooked" mode: backspace edits the line before anyone sees it).
 */
#include <stdarg.h>
#include "defs.h"
#include "x86.h"
#include "../lib/fmt.h"

#define COM1 0x3F8
#define RBR (COM1 + 0)   /* receive buffer (read) / transmit holding (write) */
#define IER (COM1 + 1)   /* interrupt enable */
#define FCR (COM1 + 2)   /* FIFO control */
#define LCR (COM1 + 3)   /* line control; bit 7 (DLAB) swaps in the divisor latch at 0-1 */
#define MCR (COM1 + 4)   /* modem control; OUT2 gates the IRQ line on a real PC */
#define LSR (COM1 + 5)   /* line status: bit 0 data ready, bit 5 transmitter empty */

#define INPUT_SIZE 256
static struct {
    char buf[INPUT_SIZE];
    uint32_t r;   /* next byte a reader takes */
    uint32_t w;   /* end of the complete lines readers may take */
    uint32_t e;   /* end of the line being typed */
} input;

void console_init(void) {
    outb(IER, 0x00);          /* no interrupts while we set it up */
    outb(LCR, 0x80);          /* divisor latch: 115200 / 1 baud */
    outb(RBR, 0x01);
    outb(IER, 0x00);
    outb(LCR, 0x03);          /* 8 data bits, no parity, one stop bit */
    outb(FCR, 0x07);          /* FIFO on, both emptied */
    outb(MCR, 0x0B);          /* DTR, RTS, OUT2 */
    outb(IER, 0x01);          /* interrupt when data arrives */
    pic_enable(4);
}

void console_putc(char c) {
    while (!(inb(LSR) & 0x20)) {
    }
    outb(RBR, (uint8_t) c);
}

/* IRQ 4: take every byte the UART holds. */
void console_intr(void) {
    while (inb(LSR) & 0x01) {
        char c = (char) inb(RBR);
        if (c == '\r') c = '\n';
        if (c == 0x7F || c == '\b') {                   /* backspace: unsay one character */
            if (input.e != input.w) {
                input.e--;
                console_putc('\b'); console_putc(' '); console_putc('\b');
            }
            continue;
        }
        if (input.e - input.r >= INPUT_SIZE) continue;  /* full: drop it */
        input.buf[input.e++ % INPUT_SIZE] = c;
        console_putc(c);
        if (c == '\n' || input.e - input.r == INPUT_SIZE) {
            input.w = input.e;                          /* a whole line: readers may have it */
            wakeup(&input);
        }
    }
}

/* Read up to one line (at most n bytes) for a process, sleeping until one is typed. */
int console_read(char *dst, int n) {
    while (input.r == input.w) sleep_on(&input);
    int got = 0;
    while (got < n && input.r != input.w) {
        char c = input.buf[input.r++ % INPUT_SIZE];
        dst[got++] = c;
        if (c == '\n') break;
    }
    return got;
}

static void put(char c, void *arg) {
    (void) arg;
    console_putc(c);
}

void kprintf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vformat(put, 0, fmt, ap);
    va_end(ap);
}

/* Something the kernel cannot go on from: say what, and stop the machine (debug-exit 3). */
void panic(const char *fmt, ...) {
    va_list ap;
    cli();
    kprintf("panic: ");
    va_start(ap, fmt);
    vformat(put, 0, fmt, ap);
    va_end(ap);
    kprintf("\n");
    outb(0xF4, 3);
    for (;;) hlt();
}
