/* cat: print files. */
#include "user.h"

int main(int argc, char **argv) {
    if (argc < 2) {
        printf("usage: cat FILE...\n");
        return 1;
    }
    int status = 0;
    for (int i = 1; i < argc; i++) {
        int fd = open(argv[i]);
        if (fd < 0) {
            printf("cat: %s: %s\n", argv[i], strerror(fd));
            status = 1;
            continue;
        }
        static char buf[512];   /* static: in the program's bss, a writable page spawn() zeroed */
        int n;
        while ((n = read(fd, buf, sizeof buf)) > 0) write(1, buf, n);
        close(fd);
    }
    return status;
}
