/*
 * nic.c: a driver for hvlab's paravirtual network card (GUESTS.md, "The network card").
 *
 * The card is built like virtio-net: no chip to imitate register by register, but two rings of
 * 8-byte descriptors in our own RAM, {u32 buffer, u16 length, u16 flags}, a doorbell, and IRQ 11.
 * A descriptor marked OWNED is the card's; it hands it back marked DONE.
 *
 *   - Sending: copy the frame into the transmit buffer, fill the next transmit descriptor, mark it
 *     OWNED, ring the doorbell. The VMM copies the frame out during that one OUT, so the
 *     descriptor and the buffer are ours again when the OUT returns.
 *   - Receiving: the card fills the receive buffers we gave it, marks them DONE with the frame's
 *     length, and raises IRQ 11. The handler passes each frame up the stack and gives the buffer
 *     back (OWNED again), then rings the doorbell once to say so.
 *
 * The kernel is identity-mapped, so the address of a static buffer is its physical address: the
 * number the card wants. The card checks every one of them against the VM's RAM anyway.
 */
#include "defs.h"
#include "net.h"
#include "x86.h"

#define NIC 0x500
#define NIC_STATUS (NIC + 0x06)     /* bit 0 link up, bit 1 stopped by an error */
#define NIC_ERROR (NIC + 0x07)
#define NIC_RX_RING (NIC + 0x08)
#define NIC_RX_SIZE (NIC + 0x0C)
#define NIC_TX_RING (NIC + 0x10)
#define NIC_TX_SIZE (NIC + 0x14)
#define NIC_DOORBELL (NIC + 0x18)   /* bit 0 transmit, bit 1 receive buffers given, bit 7 reset */
#define NIC_ISR (NIC + 0x19)        /* read to acknowledge: bit 0 received, bit 1 sent, bit 2 error */
#define NIC_IRQ 11

#define OWNED 1
#define DONE 2
#define RX_COUNT 8
#define TX_COUNT 4
#define BUFFER 1536                 /* room for the largest frame (1514), rounded up */

struct desc {
    uint32_t buffer;
    uint16_t length;
    uint16_t flags;
};

static volatile struct desc rx_ring[RX_COUNT] __attribute__((aligned(16)));
static volatile struct desc tx_ring[TX_COUNT] __attribute__((aligned(16)));
static uint8_t rx_buffers[RX_COUNT][BUFFER] __attribute__((aligned(16)));
static uint8_t tx_buffer[BUFFER] __attribute__((aligned(16)));
static uint32_t rx_next, tx_next;
static uint32_t stopped;            /* the card's error code once it stopped; it then does nothing */

static void outl(uint16_t port, uint32_t v) {
    __asm__ volatile("outl %0, %1" : : "a"(v), "d"(port));
}

/* 0 and the card's MAC, or -1 when there is no card (its ports float: they read all ones). */
int nic_init(uint8_t mac[6]) {
    if (inb(NIC_STATUS) == 0xFF) return -1;
    outb(NIC_DOORBELL, 0x80);                   /* reset: rings off, a clean start */
    for (int i = 0; i < 6; i++) mac[i] = inb(NIC + i);
    for (int i = 0; i < TX_COUNT; i++) tx_ring[i] = (struct desc) {0, 0, 0};
    for (int i = 0; i < RX_COUNT; i++) {
        rx_ring[i] = (struct desc) {(uint32_t) rx_buffers[i], ETH_MAX, OWNED};
    }
    outl(NIC_TX_RING, (uint32_t) tx_ring);
    outl(NIC_TX_SIZE, TX_COUNT);
    outl(NIC_RX_RING, (uint32_t) rx_ring);
    outl(NIC_RX_SIZE, RX_COUNT);
    outb(NIC_DOORBELL, 0x02);                   /* every receive buffer is the card's */
    pic_enable(NIC_IRQ);
    return 0;
}

void nic_send(const uint8_t *frame, uint32_t len) {
    if (stopped || len > ETH_MAX) return;
    volatile struct desc *d = &tx_ring[tx_next];
    if (d->flags & OWNED) return;               /* never ours back: the card is stuck; drop it */
    memcpy(tx_buffer, frame, len);
    d->buffer = (uint32_t) tx_buffer;
    d->length = (uint16_t) len;
    d->flags = OWNED;
    tx_next = (tx_next + 1) % TX_COUNT;
    outb(NIC_DOORBELL, 0x01);
}

/* IRQ 11: acknowledge, then take every frame the card finished, in ring order. */
void nic_intr(void) {
    uint8_t isr = inb(NIC_ISR);
    if (isr & 0x04) {
        stopped = inb(NIC_ERROR);
        kprintf("net: the card stopped with error %d\n", stopped);
        return;
    }
    int gave = 0;
    while (rx_ring[rx_next].flags & DONE) {
        volatile struct desc *d = &rx_ring[rx_next];
        uint32_t len = d->length;
        if (len <= ETH_MAX) net_input(rx_buffers[rx_next], len);   /* a length the buffer cannot hold is a lie */
        else net_drop();
        d->length = ETH_MAX;
        d->flags = OWNED;
        rx_next = (rx_next + 1) % RX_COUNT;
        gave = 1;
    }
    if (gave) outb(NIC_DOORBELL, 0x02);
}

uint32_t nic_error(void) {
    return stopped;
}
