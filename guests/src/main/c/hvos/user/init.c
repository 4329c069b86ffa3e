/*
 * init: the first process. The kernel starts it; it starts the shell, and then waits forever,
 * collecting every process that ends (orphans are handed to init). If the shell ends, init
 * starts a new one.
 */
#include "user.h"

static char *sh_argv[] = {"sh", 0};   /* initialised data: a writable page loaded from the file */

int main(void) {
    printf("init: starting sh\n");
    for (;;) {
        int sh = spawn("sh", sh_argv);
        if (sh < 0) {
            printf("init: cannot start sh: %s\n", strerror(sh));
            exit(1);
        }
        int status, pid;
        while ((pid = wait(&status)) != sh) {
            if (pid < 0) exit(1);
        }
        printf("init: sh exited (status %d), starting another\n", status);
    }
}
