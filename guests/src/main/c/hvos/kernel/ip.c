/*
 * ip.c: IPv4 (RFC 791) and the echo half of ICMP (RFC 792): what `ping` needs.
 *
 * An IPv4 header is at least 20 bytes: version and header length (IHL, in 32-bit words), the
 * packet's total length, an identification and the fragment fields, a time to live, the protocol
 * inside (1 ICMP, 17 UDP), a header checksum, and the two addresses. hvos sends no options and no
 * fragments, and drops fragments it receives: reassembly is where real stacks have had their
 * worst bugs (the teardrop attack: overlapping fragments whose lengths go negative).
 *
 * The checks on the way in are the whole point: each length a packet states (IHL, total length)
 * must fit inside the bytes that actually arrived, or the packet is dropped before a field
 * beyond them is read.
 */
#include "defs.h"
#include "net.h"
#include "proc.h"
#include "../include/syscalls.h"

#define ICMP_ECHO_REPLY 0
#define ICMP_ECHO_REQUEST 8
#define PING_DATA 56             /* as Unix ping: 64 bytes of ICMP, 84 of IP, 98 on the wire */

static uint16_t next_id;
static uint8_t *packet_start;    /* the IP header of the frame being built */
static uint8_t packet_proto;

static struct {                  /* one ping in flight per process, by its slot in proc_table */
    int waiting;
    uint32_t ip;
    uint16_t id, seq;
    uint32_t sent;               /* net_usec() when it left */
    int answered;
    uint32_t rtt;
} pings[NPROC];

/* Start an IP packet to the host at mac; returns where its payload goes. */
uint8_t *ip_packet(const uint8_t mac[6], uint8_t proto) {
    packet_start = net_frame(mac, ETHERTYPE_IPV4);
    packet_proto = proto;
    return packet_start + IP_HEADER;
}

/* Finish the packet ip_packet started, with payload_len bytes, and send it to dst. */
void ip_output(uint32_t dst, uint32_t payload_len) {
    uint8_t *h = packet_start;
    h[0] = 0x45;                 /* version 4, 5 words of header */
    h[1] = 0;
    put16(h + 2, (uint16_t) (IP_HEADER + payload_len));
    put16(h + 4, next_id++);
    put16(h + 6, 0x4000);        /* don't fragment */
    h[8] = 64;                   /* time to live */
    h[9] = packet_proto;
    put16(h + 10, 0);
    put32(h + 12, net_ip);
    put32(h + 16, dst);
    put16(h + 10, net_checksum(h, IP_HEADER, 0));
    net_output(IP_HEADER + payload_len);
}

static void icmp_input(uint32_t src, const uint8_t src_mac[6], const uint8_t *m, uint32_t len) {
    if (len < 8 || net_checksum(m, len, 0) != 0) { net_drop(); return; }
    if (m[0] == ICMP_ECHO_REQUEST && m[1] == 0) {
        /* The reply is the request turned around: same id, sequence and data, to whoever asked. */
        uint8_t *r = ip_packet(src_mac, IP_PROTO_ICMP);
        memcpy(r, m, len);
        r[0] = ICMP_ECHO_REPLY;
        put16(r + 2, 0);
        put16(r + 2, net_checksum(r, len, 0));
        ip_output(src, len);
        return;
    }
    if (m[0] == ICMP_ECHO_REPLY) {
        uint16_t id = get16(m + 4), seq = get16(m + 6);
        for (int i = 0; i < NPROC; i++) {
            if (pings[i].waiting && !pings[i].answered && pings[i].ip == src && pings[i].id == id && pings[i].seq == seq) {
                pings[i].rtt = net_usec() - pings[i].sent;
                pings[i].answered = 1;
                net_wakeup();
                return;
            }
        }
    }
    net_stats.ignored++;         /* a late reply, or another ICMP message */
}

void ip_input(const uint8_t *src_mac, const uint8_t *p, uint32_t len) {
    if (len < IP_HEADER || p[0] >> 4 != 4) { net_drop(); return; }
    uint32_t ihl = (p[0] & 0x0F) * 4u;
    uint32_t total = get16(p + 2);
    if (ihl < IP_HEADER || ihl > len || total < ihl || total > len) { net_drop(); return; }
    if (net_checksum(p, ihl, 0) != 0) { net_drop(); return; }
    if (get16(p + 6) & 0x3FFF) { net_drop(); return; }    /* more fragments, or an offset: a fragment */
    uint32_t src = get32(p + 12), dst = get32(p + 16);
    if (dst != net_ip && dst != 0xFFFFFFFFu) { net_stats.ignored++; return; }
    const uint8_t *payload = p + ihl;           /* bytes past `total` are Ethernet's padding */
    switch (p[9]) {
    case IP_PROTO_ICMP:
        /* No answer to a ping sent to everyone: one forged request would make the whole network
         * answer its victim (the smurf attack). */
        if (dst == net_ip && !(src_mac[0] & 1)) icmp_input(src, src_mac, payload, total - ihl);
        else net_stats.ignored++;
        break;
    case IP_PROTO_UDP: udp_input(src, dst, payload, total - ihl); break;
    default: net_stats.ignored++;
    }
}

/* Send an echo request to dst and wait for its reply: microseconds of round trip, or an error. */
int icmp_ping(uint32_t dst, uint16_t seq, uint32_t deadline) {
    if (dst == net_ip || !dst || dst == 0xFFFFFFFFu) return E_INVAL;
    uint8_t mac[6];
    int err = arp_resolve(dst, mac, deadline);      /* may sleep: before the frame is begun */
    if (err < 0) return err;
    int me = curproc - proc_table;
    pings[me].waiting = 1;
    pings[me].answered = 0;
    pings[me].ip = dst;
    pings[me].id = (uint16_t) curproc->pid;
    pings[me].seq = seq;
    uint8_t *m = ip_packet(mac, IP_PROTO_ICMP);
    m[0] = ICMP_ECHO_REQUEST;
    m[1] = 0;
    put16(m + 2, 0);
    put16(m + 4, pings[me].id);
    put16(m + 6, seq);
    for (int i = 0; i < PING_DATA; i++) m[8 + i] = (uint8_t) (0x10 + i);
    put16(m + 2, net_checksum(m, 8 + PING_DATA, 0));
    pings[me].sent = net_usec();
    ip_output(dst, 8 + PING_DATA);
    while (!pings[me].answered) {
        if (!net_wait(deadline)) {
            pings[me].waiting = 0;
            return E_TIMEDOUT;
        }
    }
    pings[me].waiting = 0;
    return (int) pings[me].rtt;
}
