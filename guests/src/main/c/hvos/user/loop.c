/*
 * loop: compute forever, never making a system call. Only the timer interrupt can take the
 * CPU back from it: run `loop &` and the shell still answers.
 */
#include "user.h"

int main(void) {
    volatile uint32_t x = 1;
    for (;;) x = x * 1103515245 + 12345;
}
