/* sleep: wait N seconds (of the VM's time), then end. */
#include "user.h"

int main(int argc, char **argv) {
    if (argc != 2 || argv[1][0] < '0' || argv[1][0] > '9') {
        printf("usage: sleep SECONDS\n");
        return 1;
    }
    sleep(atoi(argv[1]) * HZ);
    return 0;
}
