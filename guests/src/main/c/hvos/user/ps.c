/* ps: list the processes, from a snapshot of the kernel's process table. */
#include "user.h"

int main(void) {
    struct procinfo p[16];
    int n = procs(p, 16);
    if (n < 0) {
        printf("ps: %s\n", strerror(n));
        return 1;
    }
    printf("  PID  PPID STATE     PAGES NAME\n");
    for (int i = 0; i < n; i++) {
        printf("%5d %5d %-9s %5d %s\n", p[i].pid, p[i].ppid, p[i].state, p[i].pages, p[i].name);
    }
    return 0;
}
