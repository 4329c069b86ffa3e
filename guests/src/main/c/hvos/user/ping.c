/*
 * ping: ICMP echo requests, one a second, and the round trip of each reply.
 *
 *     ping 10.0.0.2         three of them
 *     ping 10.0.0.2 10      ten
 *
 * The time is the VM's own virtual time (its 8254 timer, finer than a tick): from the moment the
 * kernel handed the request to the card to the moment the reply's interrupt came.
 */
#include "user.h"

int main(int argc, char **argv) {
    uint32_t ip;
    int count = argc > 2 ? atoi(argv[2]) : 3;
    if (argc < 2 || argc > 3 || parse_ip(argv[1], &ip) < 0 || count < 1) {
        printf("usage: ping IP [COUNT]   (e.g. ping 10.0.0.2)\n");
        return 1;
    }
    printf("PING %d.%d.%d.%d: 56 data bytes\n", IP_ARGS(ip));
    int received = 0;
    for (int seq = 1; seq <= count; seq++) {
        int usec = ping(ip, seq, HZ);
        if (usec >= 0) {
            printf("64 bytes from %d.%d.%d.%d: seq=%d time=%d.%03d ms\n", IP_ARGS(ip), seq, usec / 1000, usec % 1000);
            received++;
        } else if (usec == E_NODEV || usec == E_INVAL) {
            printf("ping: %s\n", strerror(usec));
            return 1;
        } else {
            printf("no reply from %d.%d.%d.%d: seq=%d (%s)\n", IP_ARGS(ip), seq, strerror(usec));
        }
        if (seq < count) sleep(HZ);
    }
    printf("--- %d.%d.%d.%d: %d sent, %d received ---\n", IP_ARGS(ip), count, received);
    return received ? 0 : 1;
}
