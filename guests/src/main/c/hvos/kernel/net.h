/*
 * net.h: hvos's network stack, inside the kernel (nic.c, net.c, arp.c, ip.c, udp.c, sysnet.c).
 *
 *     user program    ping          udpecho, send
 *     ------------    net_ping      udpsend / udprecv         (sysnet.c: the system calls)
 *     transport       ICMP echo     UDP, a few bound ports    (ip.c, udp.c)
 *     network         IPv4: one network, no router, no fragments   (ip.c)
 *     link            Ethernet frames; ARP finds the MAC for an IP (net.c, arp.c)
 *     card            hvlab's paravirtual NIC, rings in RAM, IRQ 11 (nic.c)
 *
 * Every frame that arrives is hostile until proven otherwise: each layer checks the lengths it
 * is given against the bytes it has before it reads a field, and a frame that lies is dropped
 * and counted (net_stats.malformed), never trusted. Fields are read byte by byte in network
 * order (big-endian) with get16/get32, so no struct is laid over a frame and nothing depends on
 * alignment or padding.
 */
#ifndef HVOS_NET_H
#define HVOS_NET_H
#include <stdint.h>
#include "../include/netcalls.h"

#define ETH_HEADER 14
#define ETH_MAX 1514             /* the largest frame without its CRC */
#define ETH_MIN 60               /* shorter frames are padded with zeros to this */
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define IP_HEADER 20             /* without options */
#define IP_PROTO_ICMP 1
#define IP_PROTO_UDP 17
#define UDP_HEADER 8

static inline uint16_t get16(const uint8_t *p) { return (uint16_t) (p[0] << 8 | p[1]); }
static inline uint32_t get32(const uint8_t *p) { return (uint32_t) p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }
static inline void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t) (v >> 8); p[1] = (uint8_t) v; }
static inline void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t) (v >> 16)); put16(p + 2, (uint16_t) v); }

struct net_stats {
    uint32_t rx_frames, tx_frames, malformed, ignored;
};

/* net.c: who we are, the frame in and out, time, and waiting */
extern uint8_t net_mac[6];
extern uint32_t net_ip;
extern struct net_stats net_stats;
extern const uint8_t eth_broadcast[6];
int net_init(void);
int net_present(void);
void net_input(const uint8_t *frame, uint32_t len);
uint8_t *net_frame(const uint8_t dst[6], uint16_t type);
void net_output(uint32_t payload_len);
uint16_t net_checksum(const uint8_t *p, uint32_t len, uint32_t sum);
int net_wait(uint32_t deadline);
void net_wakeup(void);
void net_tick(void);
uint32_t net_usec(void);
int net_drop(void);

/* nic.c: the card */
int nic_init(uint8_t mac[6]);
void nic_send(const uint8_t *frame, uint32_t len);
void nic_intr(void);
uint32_t nic_error(void);

/* arp.c */
void arp_input(const uint8_t *arp, uint32_t len);
int arp_resolve(uint32_t ip, uint8_t mac[6], uint32_t deadline);
int arp_list(struct arpinfo *out, int max);

/* ip.c */
void ip_input(const uint8_t *src_mac, const uint8_t *packet, uint32_t len);
uint8_t *ip_packet(const uint8_t mac[6], uint8_t proto);
void ip_output(uint32_t dst, uint32_t payload_len);
int icmp_ping(uint32_t dst, uint16_t seq, uint32_t deadline);

/* udp.c */
void udp_input(uint32_t src, uint32_t dst, const uint8_t *udp, uint32_t len);
int udp_send(struct udp_dgram *d, uint32_t deadline);
int udp_recv(struct udp_dgram *d, uint32_t deadline);

#endif
