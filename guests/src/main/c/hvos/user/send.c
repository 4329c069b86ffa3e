/*
 * send: one UDP datagram, and the answer if one comes within two seconds.
 *
 *     send 10.0.0.2 7 hello there      to udpecho on 10.0.0.2: prints what came back
 *
 * The kernel picks our port (from 49152 up); the answer must come to it.
 */
#include "user.h"

int main(int argc, char **argv) {
    uint32_t ip;
    int port = argc > 2 ? atoi(argv[2]) : 0;
    if (argc < 4 || parse_ip(argv[1], &ip) < 0 || port < 1 || port > 65535) {
        printf("usage: send IP PORT TEXT...   (e.g. send 10.0.0.2 7 hello)\n");
        return 1;
    }
    static struct udp_dgram d;
    d.ip = ip;
    d.port = (uint16_t) port;
    for (int i = 3; i < argc; i++) {          /* the words, joined by one space */
        for (const char *s = argv[i]; *s && d.len < UDP_DATA_MAX; s++) d.data[d.len++] = (uint8_t) *s;
        if (i + 1 < argc && d.len < UDP_DATA_MAX) d.data[d.len++] = ' ';
    }
    int n = udpsend(&d);
    if (n < 0) {
        printf("send: %d.%d.%d.%d:%d: %s\n", IP_ARGS(ip), port, strerror(n));
        return 1;
    }
    printf("send: %d bytes to %d.%d.%d.%d:%d from port %d\n", n, IP_ARGS(ip), port, d.local_port);
    n = udprecv(&d, 2 * HZ);
    if (n < 0) {
        printf("send: no answer from %d.%d.%d.%d:%d (%s)\n", IP_ARGS(ip), port, strerror(n));
        return 1;
    }
    printf("reply from %d.%d.%d.%d:%d: ", IP_ARGS(d.ip), d.port);
    write(1, d.data, n);
    printf("\n");
    return 0;
}
