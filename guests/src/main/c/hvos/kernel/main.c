/*
 * main.c: the boot sequence, from the loader's hand-off to the first user process.
 *
 * Order matters: the console first (to say what goes wrong), our own GDT and IDT before any
 * interrupt can come, the PICs moved off the exception vectors, memory before anything
 * allocates, the disk before paging (so a missing disk is reported even by a VMM that cannot
 * page), then paging, then init. The scheduler never returns.
 */
#include "defs.h"
#include "multiboot.h"
#include "proc.h"
#include "net.h"

extern char _end[];

void kmain(uint32_t magic, struct multiboot_info *mb) {
    pic_init();
    console_init();
    kprintf("hvos: a small teaching OS\n");
    if (magic != MULTIBOOT_BOOT_MAGIC) panic("not booted by a Multiboot loader (magic %x)", magic);
    gdt_init();
    idt_init();
    kalloc_init(mb, (uint32_t) _end);
    kprintf("memory: %d KiB free, RAM up to %p\n", kalloc_free_pages() * 4, ram_top);
    timer_init();
    if (ide_init() < 0) panic("no disk: hvos loads its programs from the ATA disk (give the VM hvos.img)");
    int files = fs_init();
    if (files < 0) panic("the disk holds no hvos file system");
    kprintf("disk: %d files\n", files);
    if (net_init() == 0) {
        kprintf("net: card %02x:%02x:%02x:%02x:%02x:%02x, address %d.%d.%d.%d\n", net_mac[0], net_mac[1], net_mac[2], net_mac[3],
                net_mac[4], net_mac[5], net_ip >> 24, (net_ip >> 16) & 0xFF, (net_ip >> 8) & 0xFF, net_ip & 0xFF);
    }
    vm_init();
    kprintf("paging: on\n");
    proc_init();
    char *argv[] = {"init", 0};
    int pid = spawn("init", argv, 1, 0);
    if (pid < 0) panic("cannot start init (error %d)", pid);
    scheduler();
}
