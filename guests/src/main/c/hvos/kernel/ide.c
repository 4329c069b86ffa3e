/*
 * ide.c: the ATA disk, by programmed I/O (PIO).
 *
 * The drive has a command block at ports 0x1F0-0x1F7: give it a sector number (28-bit LBA,
 * spread over four ports), a count, a command (0x20: read), and it fetches the sector into its
 * buffer, then raises IRQ 14. The CPU copies the 256 words out of the data port (0x1F0) itself:
 * that is PIO, as opposed to DMA, where the drive would write to memory on its own.
 *
 * A process waiting for the disk sleeps until IRQ 14; while booting, with no process to put
 * to sleep, the kernel polls the status port instead (with the drive's interrupt turned off).
 */
#include "defs.h"
#include "proc.h"
#include "x86.h"

#define ATA_DATA 0x1F0
#define ATA_COUNT 0x1F2
#define ATA_LBA0 0x1F3
#define ATA_LBA1 0x1F4
#define ATA_LBA2 0x1F5
#define ATA_DEVICE 0x1F6
#define ATA_STATUS 0x1F7    /* reading it also acknowledges the drive's interrupt */
#define ATA_COMMAND 0x1F7
#define ATA_CONTROL 0x3F6   /* bit 1: nIEN, no interrupts */

#define ST_ERR 0x01
#define ST_DRQ 0x08         /* data request: the sector is ready to be read */
#define ST_BSY 0x80

static volatile int irq_seen;
static int busy;            /* one command at a time: the drive has one buffer */

/* 0 if a drive answers; -1 when nothing is there (the ports float: all ones). */
int ide_init(void) {
    if (inb(ATA_STATUS) == 0xFF) return -1;
    outb(ATA_DEVICE, 0xE0);                  /* device 0, LBA addressing */
    for (int i = 0; i < 100000 && (inb(ATA_STATUS) & ST_BSY); i++) {
    }
    pic_enable(14);
    return 0;
}

void ide_intr(void) {
    inb(ATA_STATUS);
    irq_seen = 1;
    wakeup((void *) &irq_seen);
}

static uint8_t wait_not_busy(void) {
    uint8_t s;
    while ((s = inb(ATA_STATUS)) & ST_BSY) {
    }
    return s;
}

int ide_read(uint32_t sector, void *dst) {
    while (busy) sleep_on(&busy);
    busy = 1;
    int sleeping = curproc != 0;
    wait_not_busy();
    outb(ATA_CONTROL, sleeping ? 0x00 : 0x02);
    irq_seen = 0;
    outb(ATA_COUNT, 1);
    outb(ATA_LBA0, (uint8_t) sector);
    outb(ATA_LBA1, (uint8_t) (sector >> 8));
    outb(ATA_LBA2, (uint8_t) (sector >> 16));
    outb(ATA_DEVICE, 0xE0 | ((sector >> 24) & 0x0F));
    outb(ATA_COMMAND, 0x20);                 /* READ SECTORS */
    if (sleeping) {
        while (!irq_seen) sleep_on((void *) &irq_seen);
    }
    uint8_t s = wait_not_busy();
    int ok = !(s & ST_ERR) && (s & ST_DRQ);
    if (ok) insw(ATA_DATA, dst, 256);
    busy = 0;
    wakeup(&busy);
    return ok ? 0 : -1;
}
