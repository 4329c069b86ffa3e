/*
 * arp.c: the Address Resolution Protocol (RFC 826): which MAC address has this IP address?
 *
 * To send to 10.0.0.2 over Ethernet we need its MAC. We broadcast "who has 10.0.0.2? tell
 * 10.0.0.1 (at our MAC)"; 10.0.0.2 answers to us alone: "10.0.0.2 is at 52:54:00:...". Each side
 * keeps what it learnt in a small cache. As RFC 826 says, a request for us also teaches us its
 * sender, so the answer to our ping needs no ARP of its own.
 *
 * ARP has no authentication at all: anyone may answer, and a forged answer diverts the traffic
 * (ARP spoofing, hvlab's arp-spoof guest). hvos believes only answers to a question it asked,
 * and requests addressed to it; hvlab's switch adds port security, which drops frames whose
 * source MAC is not the sender's own.
 */
#include "defs.h"
#include "net.h"
#include "param.h"
#include "../include/syscalls.h"

#define ARP_LEN 28               /* for Ethernet and IPv4 */
#define ARP_REQUEST 1
#define ARP_REPLY 2
#define CACHE 8
#define RETRY (HZ / 2)           /* ask again every half second while waiting */

static struct {
    uint32_t ip;                 /* 0: an empty slot */
    uint8_t mac[6];
    uint32_t learnt;             /* ticks */
} cache[CACHE];
#define ASKED 4
static uint32_t asked[ASKED];    /* addresses we asked about and wait for: only their answers are taken */
static uint32_t asked_next;

/* Remember ip at mac: in its own slot if it has one, else an empty one, else the oldest. */
static void learn(uint32_t ip, const uint8_t mac[6]) {
    int slot = -1;
    for (int i = 0; i < CACHE && slot < 0; i++) {
        if (cache[i].ip == ip) slot = i;
    }
    for (int i = 0; i < CACHE && slot < 0; i++) {
        if (!cache[i].ip) slot = i;
    }
    if (slot < 0) {
        slot = 0;
        for (int i = 1; i < CACHE; i++) {
            if ((int32_t) (cache[i].learnt - cache[slot].learnt) < 0) slot = i;
        }
    }
    cache[slot].ip = ip;
    memcpy(cache[slot].mac, mac, 6);
    cache[slot].learnt = ticks;
    net_wakeup();
}

static int lookup(uint32_t ip, uint8_t mac[6]) {
    for (int i = 0; i < CACHE; i++) {
        if (cache[i].ip == ip) {
            memcpy(mac, cache[i].mac, 6);
            return 1;
        }
    }
    return 0;
}

static void send(uint16_t op, const uint8_t to_mac[6], uint32_t to_ip) {
    uint8_t *a = net_frame(op == ARP_REQUEST ? eth_broadcast : to_mac, ETHERTYPE_ARP);
    put16(a, 1);                 /* hardware: Ethernet */
    put16(a + 2, ETHERTYPE_IPV4);
    a[4] = 6;
    a[5] = 4;
    put16(a + 6, op);
    memcpy(a + 8, net_mac, 6);
    put32(a + 14, net_ip);
    if (op == ARP_REQUEST) memset(a + 18, 0, 6);
    else memcpy(a + 18, to_mac, 6);
    put32(a + 24, to_ip);
    net_output(ARP_LEN);
}

static int was_asked(uint32_t ip) {
    for (int i = 0; i < ASKED; i++) {
        if (asked[i] == ip) {
            asked[i] = 0;
            return 1;
        }
    }
    return 0;
}

/* Broadcast "who has ip?", and note that we wait for its answer. */
static void ask(uint32_t ip) {
    int noted = 0;
    for (int i = 0; i < ASKED; i++) {
        if (asked[i] == ip) noted = 1;
    }
    if (!noted) asked[asked_next++ % ASKED] = ip;
    send(ARP_REQUEST, eth_broadcast, ip);
}

void arp_input(const uint8_t *a, uint32_t len) {
    if (len < ARP_LEN || get16(a) != 1 || get16(a + 2) != ETHERTYPE_IPV4 || a[4] != 6 || a[5] != 4) {
        net_drop();
        return;
    }
    uint16_t op = get16(a + 6);
    uint32_t sender = get32(a + 14), target = get32(a + 24);
    const uint8_t *sender_mac = a + 8;
    if (sender_mac[0] & 1) { net_drop(); return; }     /* a group address owns no IP address */
    if (op == ARP_REQUEST && target == net_ip && sender) {
        learn(sender, sender_mac);
        send(ARP_REPLY, sender_mac, sender);
    } else if (op == ARP_REPLY && sender && was_asked(sender)) {
        learn(sender, sender_mac);
    } else {
        net_stats.ignored++;
    }
}

/* The MAC of ip: from the cache, or by asking until deadline. 0, or E_NOHOST if nobody answered. */
int arp_resolve(uint32_t ip, uint8_t mac[6], uint32_t deadline) {
    uint32_t last_ask = 0;
    int first = 1;
    while (!lookup(ip, mac)) {
        if (first || (int32_t) (ticks - last_ask) >= RETRY) {
            ask(ip);
            last_ask = ticks;
            first = 0;
        }
        if (!net_wait(deadline)) return E_NOHOST;
    }
    return 0;
}

/* The cache, for ifconfig. */
int arp_list(struct arpinfo *out, int max) {
    int n = 0;
    for (int i = 0; i < CACHE && n < max; i++) {
        if (!cache[i].ip) continue;
        out[n].ip = cache[i].ip;
        memcpy(out[n].mac, cache[i].mac, 6);
        out[n].age = (uint16_t) ((ticks - cache[i].learnt) / HZ);
        n++;
    }
    return n;
}
