/*
 * udpecho: a UDP echo server (RFC 862): every datagram that comes to its port goes back to its
 * sender, unchanged. Run it in the background: `udpecho &` (port 7, echo's own) or `udpecho 9000 &`.
 */
#include "user.h"

int main(int argc, char **argv) {
    int port = argc > 1 ? atoi(argv[1]) : 7;
    if (argc > 2 || port < 1 || port > 65535) {
        printf("usage: udpecho [PORT]   (7 if none)\n");
        return 1;
    }
    static struct udp_dgram d;
    /* Take the port before saying so. A receive binds its port (kernel/udp.c), and a datagram
     * for a port nobody holds is dropped: announced first, a datagram sent on seeing the
     * announcement could come before the first receive and be lost. So the first receive waits
     * one tick, only to bind, and the announcement follows it. */
    int announced = 0;
    for (;;) {
        d.local_port = (uint16_t) port;
        int n = udprecv(&d, announced ? 0 : 1);
        if (!announced) {
            announced = 1;
            if (n >= 0 || n == E_TIMEDOUT) printf("udpecho: listening on port %d\n", port);
            if (n == E_TIMEDOUT) continue;
        }
        if (n < 0) {
            printf("udpecho: %s\n", strerror(n));
            return 1;
        }
        printf("udpecho: %d bytes from %d.%d.%d.%d:%d, sent back\n", n, IP_ARGS(d.ip), d.port);
        int sent = udpsend(&d);
        if (sent < 0) printf("udpecho: %s\n", strerror(sent));
    }
}
