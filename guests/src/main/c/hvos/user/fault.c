/*
 * fault: do something a user program may not, and be killed for it while the rest of the
 * system runs on. The kernel's trap handler (kernel/trap.c) prints what the CPU reported.
 *
 *     fault          read address 0: nothing is mapped there for a user (a page fault)
 *     fault kernel   write the kernel's code at 1 MiB: mapped, but supervisor-only (a page fault)
 *     fault code     write its own code: mapped for the program, but read-only (a page fault)
 *     fault io       write to the debug-exit port 0xF4: I/O needs IOPL (a general protection fault)
 *     fault cli      turn interrupts off: only the kernel may (a general protection fault)
 *     fault div      divide by zero (a divide error)
 */
#include "user.h"

int main(int argc, char **argv) {
    const char *what = argc > 1 ? argv[1] : "null";
    int *volatile p = 0;            /* volatile: the compiler may not assume what it holds */
    volatile int zero = 0;
    if (strcmp(what, "null") == 0) {
        printf("fault: reading address 0...\n");
        return *p;
    } else if (strcmp(what, "kernel") == 0) {
        printf("fault: writing the kernel's memory at 0x00100000...\n");
        p = (int *) 0x100000;
        *p = 0;
    } else if (strcmp(what, "code") == 0) {
        printf("fault: writing my own code...\n");
        *(volatile uint8_t *) main = 0xC3;
    } else if (strcmp(what, "io") == 0) {
        printf("fault: writing to port 0xf4...\n");
        __asm__ volatile("outb %0, %1" : : "a"((uint8_t) 0), "d"((uint16_t) 0xF4));
    } else if (strcmp(what, "cli") == 0) {
        printf("fault: cli...\n");
        __asm__ volatile("cli");
    } else if (strcmp(what, "div") == 0) {
        printf("fault: dividing by zero...\n");
        return 100 / zero;          /* not 1 / zero: gcc computes that one without dividing */
    } else {
        printf("usage: fault [null|kernel|code|io|cli|div]\n");
        return 1;
    }
    printf("fault: still alive: the kernel allowed it!\n");
    return 2;
}
