/*
 * multiboot-info: a guest in C, booted as a Multiboot kernel, prints what the loader told it.
 *
 * Booted the way GRUB boots a kernel, it checks that a Multiboot loader started it, then prints
 * what the loader told it about the machine: how much memory, the memory map (which ranges are
 * RAM, which are not), its command line and the loader's name. Under hvlab the last range of the
 * map is the VMM's own region: the hypervisor hole.
 */
#include "hvlab.h"

static const char *type_name(uint32_t type) {
    return type == 1 ? "RAM" : "reserved";
}

int main(uint32_t magic, struct multiboot_info *info) {
    if (magic != MULTIBOOT_BOOT_MAGIC) {
        print("multiboot-info: not booted by a Multiboot loader (EAX = 0x");
        print_hex(magic, 8);
        print(")\n");
        return 1;
    }
    print("multiboot-info: booted by ");
    print((info->flags & (1 << 9)) ? (const char *) info->boot_loader_name : "an unnamed loader");
    print(", command line '");
    print((info->flags & (1 << 2)) ? (const char *) info->cmdline : "");
    print("'\n");
    print("multiboot-info: ");
    print_unsigned(info->mem_lower);
    print(" KiB low memory, ");
    print_unsigned(info->mem_upper / 1024);
    print(" MiB above 1 MiB\n");
    if (info->flags & (1 << 6)) {
        uint32_t at = info->mmap_addr;
        while (at < info->mmap_addr + info->mmap_length) {
            struct multiboot_mmap_entry *entry = (struct multiboot_mmap_entry *) at;
            print("multiboot-info: 0x");
            print_hex((uint32_t) entry->addr, 8);
            print("-0x");
            print_hex((uint32_t) (entry->addr + entry->len - 1), 8);
            print(" ");
            print(type_name(entry->type));
            print("\n");
            at += entry->size + 4;
        }
    }
    return 0;
}
