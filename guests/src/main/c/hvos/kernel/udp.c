/*
 * udp.c: the User Datagram Protocol (RFC 768): ports on top of IP, and nothing else.
 *
 * A datagram is 8 bytes of header (source port, destination port, length, checksum) and its
 * data. No connection, no order, no retransmission: what arrives, arrives once or not at all.
 * A port belongs to the process that first sends from it or waits on it, until that process
 * ends; a datagram for a port nobody holds is dropped (a full stack would answer with ICMP
 * "port unreachable", which is how a port scanner tells a closed port from a filtered one).
 * Each port keeps a few datagrams while its owner is busy; more are dropped, as a full socket
 * buffer drops them.
 *
 * The checksum covers a "pseudo-header" too: both IP addresses, the protocol and the length,
 * so that a datagram delivered to the wrong host fails it. It is optional in IPv4 (0: none).
 */
#include "defs.h"
#include "net.h"
#include "proc.h"
#include "../include/syscalls.h"

#define PORTS 8
#define QUEUE 4
#define EPHEMERAL 49152          /* where the ports we pick for senders begin (RFC 6335) */

struct datagram {
    uint32_t ip;
    uint16_t port;
    uint16_t len;
    uint8_t data[UDP_DATA_MAX];
};

static struct {
    uint16_t port;               /* 0: a free slot */
    int pid;                     /* its owner */
    uint32_t head, count;
    struct datagram queue[QUEUE];
} ports[PORTS];
static uint16_t next_ephemeral = EPHEMERAL;

static int alive(int pid) {
    for (int i = 0; i < NPROC; i++) {
        if (proc_table[i].pid == pid) return proc_table[i].state != UNUSED && proc_table[i].state != ZOMBIE;
    }
    return 0;
}

/* The slot of port for the current process: its own, or taken over from nobody (an owner that ended). */
static int bind(uint16_t port) {
    int free = -1;
    for (int i = 0; i < PORTS; i++) {
        if (ports[i].port == port) {
            if (ports[i].pid == curproc->pid) return i;
            if (alive(ports[i].pid)) return E_BUSY;
            free = i;
            break;
        }
        if (free < 0 && (!ports[i].port || !alive(ports[i].pid))) free = i;
    }
    if (free < 0) return E_NOMEM;
    ports[free].port = port;
    ports[free].pid = curproc->pid;
    ports[free].head = ports[free].count = 0;
    return free;
}

static uint32_t pseudo_header(uint32_t src, uint32_t dst, uint32_t len) {
    return (src >> 16) + (src & 0xFFFF) + (dst >> 16) + (dst & 0xFFFF) + IP_PROTO_UDP + len;
}

void udp_input(uint32_t src, uint32_t dst, const uint8_t *u, uint32_t len) {
    if (len < UDP_HEADER) { net_drop(); return; }
    uint32_t ulen = get16(u + 4);
    if (ulen < UDP_HEADER || ulen > len) { net_drop(); return; }
    if (get16(u + 6) && net_checksum(u, ulen, pseudo_header(src, dst, ulen)) != 0) { net_drop(); return; }
    uint16_t to = get16(u + 2);
    for (int i = 0; i < PORTS; i++) {
        if (ports[i].port != to || !to || !alive(ports[i].pid)) continue;
        if (ports[i].count == QUEUE || ulen - UDP_HEADER > UDP_DATA_MAX) break;     /* no room: dropped */
        struct datagram *d = &ports[i].queue[(ports[i].head + ports[i].count++) % QUEUE];
        d->ip = src;
        d->port = get16(u);
        d->len = (uint16_t) (ulen - UDP_HEADER);
        memcpy(d->data, u + UDP_HEADER, d->len);
        net_wakeup();
        return;
    }
    net_stats.ignored++;
}

/* Send d (a kernel copy); picks a local port when it has none. Bytes sent, or an error. */
int udp_send(struct udp_dgram *d, uint32_t deadline) {
    if (d->len > UDP_DATA_MAX || !d->port || !d->ip || d->ip == 0xFFFFFFFFu || d->ip == net_ip) return E_INVAL;
    int slot;
    if (d->local_port) {
        slot = bind(d->local_port);
    } else {
        slot = E_BUSY;
        for (int tries = 0; tries < 64 && slot == E_BUSY; tries++) {
            d->local_port = next_ephemeral;
            next_ephemeral = next_ephemeral == 0xFFFF ? EPHEMERAL : next_ephemeral + 1;
            slot = bind(d->local_port);
        }
    }
    if (slot < 0) return slot;
    uint8_t mac[6];
    int err = arp_resolve(d->ip, mac, deadline);    /* may sleep: before the frame is begun */
    if (err < 0) return err;
    uint8_t *u = ip_packet(mac, IP_PROTO_UDP);
    uint32_t ulen = UDP_HEADER + d->len;
    put16(u, d->local_port);
    put16(u + 2, d->port);
    put16(u + 4, (uint16_t) ulen);
    put16(u + 6, 0);
    memcpy(u + UDP_HEADER, d->data, d->len);
    uint16_t sum = net_checksum(u, ulen, pseudo_header(net_ip, d->ip, ulen));
    put16(u + 6, sum ? sum : 0xFFFF);               /* 0 means "no checksum": send its other form */
    ip_output(d->ip, ulen);
    return d->len;
}

/* Wait until deadline for a datagram on d->local_port; fills d. Its length, or an error. */
int udp_recv(struct udp_dgram *d, uint32_t deadline) {
    if (!d->local_port) return E_INVAL;
    int slot = bind(d->local_port);
    if (slot < 0) return slot;
    while (!ports[slot].count) {
        if (!net_wait(deadline)) return E_TIMEDOUT;
    }
    struct datagram *q = &ports[slot].queue[ports[slot].head];
    ports[slot].head = (ports[slot].head + 1) % QUEUE;
    ports[slot].count--;
    d->ip = q->ip;
    d->port = q->port;
    d->len = q->len;
    memcpy(d->data, q->data, q->len);
    return d->len;
}
