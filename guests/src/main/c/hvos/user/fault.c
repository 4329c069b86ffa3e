/*
 * fault: dereference a null pointer. The user half starts at 0x40000000; address 0 is kernel
 * memory, or nothing at all, so the MMU raises a page fault, the kernel ends this process
 * with a message, and the rest of the system runs on.
 */
#include "user.h"

int main(void) {
    printf("fault: reading address 0...\n");
    int *volatile p = 0;     /* volatile: the compiler may not assume what it holds */
    return *p;
}
