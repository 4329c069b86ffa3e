/* hostname: print the machine's name, or set it (hostname NAME). */
#include "user.h"

int main(int argc, char **argv) {
    char name[HOSTNAME_MAX + 1] = {0};
    if (argc > 1) {
        int n = strlen(argv[1]);
        if (n > HOSTNAME_MAX) {
            printf("hostname: at most %d characters\n", HOSTNAME_MAX);
            return 1;
        }
        return sethostname(argv[1], n) < 0;
    }
    gethostname(name, HOSTNAME_MAX);
    printf("%s\n", name);
    return 0;
}
