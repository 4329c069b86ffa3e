/*
 * net.c: the link layer, and what the stack's layers share: our addresses, the frame being
 * built, the Internet checksum, time, and waiting for an answer.
 *
 * Addresses. The card knows its MAC (hvlab gives every VM one, 52:54:00:..., and its switch drops
 * frames from any other). The IP address is ours to choose: hvos starts as 10.0.0.N, N the last
 * byte of its MAC (0 and 255 are not host addresses on a /24, so they become 1 and 254), and
 * `ifconfig 10.0.0.7` sets another, as `ip addr` would. There is no DHCP and no router: every
 * address is on the one network the card is plugged into, and ARP finds it there.
 *
 * One frame is built at a time, in tx_frame: the kernel runs with interrupts off, so nothing can
 * come in between filling it and handing it to the card. A caller that may sleep (to wait for an
 * ARP answer) does so before it starts a frame, never in the middle of one.
 */
#include "defs.h"
#include "net.h"
#include "param.h"
#include "x86.h"

uint8_t net_mac[6];
uint32_t net_ip;
struct net_stats net_stats;
const uint8_t eth_broadcast[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
static int present;
static uint8_t tx_frame[ETH_MAX];
static int net_chan;                   /* what processes waiting for the network sleep on */

int net_init(void) {
    if (nic_init(net_mac) < 0) return -1;
    uint32_t n = net_mac[5];
    if (n == 0) n = 1;
    if (n == 255) n = 254;
    net_ip = 10u << 24 | n;
    present = 1;
    return 0;
}

int net_present(void) {
    return present;
}

/* Called from the card's interrupt with a frame it received: Ethernet, then its EtherType's layer. */
void net_input(const uint8_t *frame, uint32_t len) {
    net_stats.rx_frames++;
    if (len < ETH_HEADER) { net_drop(); return; }
    int to_us = 1, broadcast = 1;
    for (int i = 0; i < 6; i++) {
        if (frame[i] != net_mac[i]) to_us = 0;
        if (frame[i] != 0xFF) broadcast = 0;
    }
    if (!to_us && !broadcast) { net_stats.ignored++; return; }
    switch (get16(frame + 12)) {
    case ETHERTYPE_ARP: arp_input(frame + ETH_HEADER, len - ETH_HEADER); break;
    case ETHERTYPE_IPV4: ip_input(frame + 6, frame + ETH_HEADER, len - ETH_HEADER); break;
    default: net_stats.ignored++;
    }
}

/* A frame that lies about itself: count it and forget it. Returns 0 to read well in callers. */
int net_drop(void) {
    net_stats.malformed++;
    return 0;
}

/* Start a frame to dst: its Ethernet header; returns where the payload goes. */
uint8_t *net_frame(const uint8_t dst[6], uint16_t type) {
    memcpy(tx_frame, dst, 6);
    memcpy(tx_frame + 6, net_mac, 6);
    put16(tx_frame + 12, type);
    return tx_frame + ETH_HEADER;
}

/* Send the frame net_frame started, with payload_len bytes after its header. */
void net_output(uint32_t payload_len) {
    uint32_t len = ETH_HEADER + payload_len;
    if (len < ETH_MIN) {                /* Ethernet's minimum: pad with zeros */
        memset(tx_frame + len, 0, ETH_MIN - len);
        len = ETH_MIN;
    }
    net_stats.tx_frames++;
    nic_send(tx_frame, len);
}

/*
 * The Internet checksum (RFC 1071): the ones'-complement sum of 16-bit big-endian words,
 * complemented. `sum` carries a partial sum in (the UDP pseudo-header). A receiver sums the
 * bytes with the checksum field included and gets 0 when nothing changed on the way.
 */
uint16_t net_checksum(const uint8_t *p, uint32_t len, uint32_t sum) {
    for (uint32_t i = 0; i + 1 < len; i += 2) sum += get16(p + i);
    if (len & 1) sum += (uint32_t) p[len - 1] << 8;
    while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
    return (uint16_t) ~sum;
}

/*
 * Wait for the network until `deadline` (in ticks): sleep until a frame comes or the clock
 * ticks, whichever is first. Returns 0 once the deadline has passed, 1 otherwise; callers loop
 * and look again, as every sleeper in hvos does.
 */
int net_wait(uint32_t deadline) {
    if ((int32_t) (ticks - deadline) >= 0) return 0;
    sleep_on(&net_chan);
    return 1;
}

void net_wakeup(void) {
    wakeup(&net_chan);
}

/* Each timer tick: waiters look at the clock again. */
void net_tick(void) {
    wakeup(&net_chan);
}

/*
 * Microseconds since boot, finer than the 10 ms tick: ticks, plus how far counter 0 of the 8254
 * has counted down towards the next one (latched, so both bytes are of one count). The kernel
 * runs with interrupts off, so the counter may have wrapped with its tick still waiting at the
 * PIC: if the PIC's request register shows IRQ 0 and the count has just begun again, that tick
 * counts. This is the VM's virtual time: what its 8254 says, not the host's clock.
 */
uint32_t net_usec(void) {
    uint32_t divisor = 1193182 / HZ;
    outb(0x43, 0x00);                   /* latch counter 0 */
    uint32_t count = inb(0x40);
    count |= (uint32_t) inb(0x40) << 8;
    outb(0x20, 0x0A);                   /* OCW3: the next read of 0x20 is the IRR */
    int pending = inb(0x20) & 1;
    uint32_t elapsed = count <= divisor ? divisor - count : 0;
    uint32_t t = ticks;
    if (pending && elapsed < divisor / 2) t++;
    return t * (1000000 / HZ) + elapsed * (1000000 / HZ) / divisor;
}
