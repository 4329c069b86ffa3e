/* ls: list the files on the disk, with their sizes in bytes. */
#include "user.h"

int main(void) {
    struct dirinfo d;
    for (int i = 0; readdir(i, &d) > 0; i++) printf("%-16s %6d\n", d.name, d.size);
    return 0;
}
