/*
 * ifconfig: show the network card and the stack, or set our IP address.
 *
 *     ifconfig              the MAC (from the card), the IP address, counters, the ARP cache
 *     ifconfig 10.0.0.2     take 10.0.0.2 as our address
 *
 * hvos starts as 10.0.0.N, N the last byte of its MAC (kernel/net.c). Two VMs whose MACs end
 * alike would collide: give one of them an address of its own.
 */
#include "user.h"

static void mac(const uint8_t *m) {
    printf("%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

int main(int argc, char **argv) {
    uint32_t ip = 0;
    if (argc > 2 || (argc == 2 && parse_ip(argv[1], &ip) < 0)) {
        printf("usage: ifconfig [IP]   (e.g. ifconfig 10.0.0.2)\n");
        return 1;
    }
    struct netinfo info;
    int err = netconfig(&info, ip);
    if (err == E_NODEV) {
        printf("ifconfig: no network card (the VM needs one: vm create NAME --guest hvos --net NET)\n");
        return 1;
    }
    if (err < 0) {
        printf("ifconfig: %s: %s\n", argv[1], err == E_INVAL ? "not an address a host may take" : strerror(err));
        return 1;
    }
    printf("net0: ether ");
    mac(info.mac);
    printf("  inet %d.%d.%d.%d\n", IP_ARGS(info.ip));
    printf("  rx %u frames, tx %u frames, %u malformed (dropped), %u ignored\n",
           info.rx_frames, info.tx_frames, info.malformed, info.ignored);
    if (info.card_error) printf("  the card stopped with error %u\n", info.card_error);
    for (int i = 0; i < info.narp; i++) {
        printf("  arp: %d.%d.%d.%d at ", IP_ARGS(info.arp[i].ip));
        mac(info.arp[i].mac);
        printf(", %u s ago\n", info.arp[i].age);
    }
    return 0;
}
