/* hello: the smallest program worth running: who am I, and since when is the system up? */
#include "user.h"

int main(void) {
    int t = uptime();
    printf("hello from pid %d, at CPL 3, %d.%02d s after boot\n", getpid(), t / HZ, t % HZ);
    return 0;
}
