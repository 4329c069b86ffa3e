/* echo: print the arguments, separated by spaces. */
#include "user.h"

int main(int argc, char **argv) {
    char line[256];
    int n = 0;
    for (int i = 1; i < argc; i++) {
        for (const char *s = argv[i]; *s && n < (int) sizeof line - 2; s++) line[n++] = *s;
        if (i + 1 < argc && n < (int) sizeof line - 2) line[n++] = ' ';
    }
    line[n++] = '\n';
    write(1, line, n);
    return 0;
}
