/*
 * netcalls.h: what the network system calls exchange with user programs (syscalls.h has their
 * numbers). Addresses are IPv4 addresses as one number in the machine's own byte order:
 * 10.0.0.2 is 0x0A000002. Ports too. The kernel turns them into network order (big-endian) on
 * the wire, the way htonl() does on Unix; a program never sees network order.
 */
#ifndef HVOS_NETCALLS_H
#define HVOS_NETCALLS_H
#include <stdint.h>

#define NET_ARP_SHOWN 8          /* ARP cache entries netconfig() reports */
#define UDP_DATA_MAX 512         /* the largest datagram hvos sends or keeps */

struct arpinfo {                 /* one line of the ARP cache: who has this IP address */
    uint32_t ip;
    uint8_t mac[6];
    uint16_t age;                /* seconds since it was learnt */
};

struct netinfo {                 /* what netconfig() returns */
    uint8_t mac[6];              /* the card's address, from its registers */
    uint16_t narp;               /* entries in arp[] */
    uint32_t ip;
    uint32_t rx_frames;          /* frames the card gave us */
    uint32_t tx_frames;          /* frames we gave the card */
    uint32_t malformed;          /* frames dropped as malformed (bad lengths, checksums, fragments) */
    uint32_t ignored;            /* well-formed frames not for us or for nothing we run */
    uint32_t card_error;         /* the card's ERROR register when it stopped, 0 while it runs */
    struct arpinfo arp[NET_ARP_SHOWN];
};

struct udp_dgram {               /* a datagram, for udpsend() and udprecv() */
    uint32_t ip;                 /* the other end: to (send) or from (receive) */
    uint16_t port;               /* its port */
    uint16_t local_port;         /* ours; 0 for udpsend to pick one, which it writes back */
    uint16_t len;                /* bytes in data */
    uint16_t pad;
    uint8_t data[UDP_DATA_MAX];
};

#endif
