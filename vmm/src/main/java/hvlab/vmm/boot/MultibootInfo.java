package hvlab.vmm.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * What a Multiboot loader hands the kernel (Multiboot Specification 0.6.96, section 3.3): EAX =
 * {@link #BOOT_MAGIC} says "a Multiboot loader booted you", EBX points at this information
 * structure in low memory. hvlab fills in the amount of memory, the full memory map, the command
 * line and its own name; a kernel learns from the map which physical ranges it may use, as it
 * would from the BIOS's E820 map on a PC.
 *
 * <p>The map tells the truth about the machine hvlab builds: conventional memory below 640 KiB,
 * the legacy hole up to 1 MiB reserved (on a PC: video memory and the BIOS), RAM from 1 MiB to its
 * end, and the VMM's region at the top of the address space reserved (the hypervisor hole, as
 * Xen's at the top of a 32-bit guest: mapped in every guest, usable by none).
 */
public final class MultibootInfo {
    public static final int BOOT_MAGIC = 0x2BADB002;
    /** Where the structure goes: a page in conventional memory that no image may load into (images start at 1 MiB). */
    public static final long ADDRESS = 0x9000;
    public static final int SIZE = 0x1000;
    static final long CONVENTIONAL_END = 0x9FC00;
    static final int MAP_OFFSET = 0x100;
    static final int COMMAND_LINE_OFFSET = 0x200;
    static final int LOADER_NAME_OFFSET = 0x300;
    static final int MAX_COMMAND_LINE = 255;
    static final int AVAILABLE = 1;
    static final int RESERVED = 2;
    private static final int FLAG_MEMORY = 1;
    private static final int FLAG_COMMAND_LINE = 1 << 2;
    private static final int FLAG_MEMORY_MAP = 1 << 6;
    private static final int FLAG_LOADER_NAME = 1 << 9;

    private MultibootInfo() {}

    /** The page to write at {@link #ADDRESS} for a guest with {@code ramBytes} of RAM. */
    public static byte[] build(long ramBytes, String commandLine) {
        ByteBuffer page = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        page.putInt(0, FLAG_MEMORY | FLAG_COMMAND_LINE | FLAG_MEMORY_MAP | FLAG_LOADER_NAME);
        page.putInt(4, (int) (CONVENTIONAL_END / 1024));        // mem_lower, KiB from 0
        page.putInt(8, (int) ((ramBytes - (1 << 20)) / 1024));  // mem_upper, KiB from 1 MiB
        page.putInt(16, (int) (ADDRESS + COMMAND_LINE_OFFSET));
        int map = MAP_OFFSET;
        map = mapEntry(page, map, 0, CONVENTIONAL_END, AVAILABLE);
        map = mapEntry(page, map, CONVENTIONAL_END, (1 << 20) - CONVENTIONAL_END, RESERVED);
        map = mapEntry(page, map, 1 << 20, ramBytes - (1 << 20), AVAILABLE);
        map = mapEntry(page, map, BootLayout.VMM_REGION, (1L << 32) - BootLayout.VMM_REGION, RESERVED);
        page.putInt(44, map - MAP_OFFSET);                       // mmap_length
        page.putInt(48, (int) (ADDRESS + MAP_OFFSET));           // mmap_addr
        page.putInt(64, (int) (ADDRESS + LOADER_NAME_OFFSET));
        putString(page, COMMAND_LINE_OFFSET, commandLine, MAX_COMMAND_LINE);
        putString(page, LOADER_NAME_OFFSET, "hvlab", 31);
        return page.array();
    }

    /** One map entry: its size field (20, not counting itself), base, length, type. */
    private static int mapEntry(ByteBuffer page, int at, long base, long length, int type) {
        page.putInt(at, 20);
        page.putLong(at + 4, base);
        page.putLong(at + 12, length);
        page.putInt(at + 20, type);
        return at + 24;
    }

    private static void putString(ByteBuffer page, int at, String text, int max) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        page.put(at, bytes, 0, Math.min(bytes.length, max)); // the page is zero: the string ends with a NUL
    }
}
