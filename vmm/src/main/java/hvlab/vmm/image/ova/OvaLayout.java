package hvlab.vmm.image.ova;

import hvlab.vmm.boot.BootLayout;

/**
 * The names and size limits of the files in an hvlab OVA. Every name derives from the VM's name,
 * so a reader knows in advance the few names an archive may hold and refuses any other (an entry
 * called {@code ../../.bashrc} has no place in a list of eight known names).
 */
public final class OvaLayout {
    private OvaLayout() {}

    /** A tar block: headers and the padding of file data come in these (POSIX ustar). */
    public static final int BLOCK = 512;
    /** The largest descriptor we parse: a real one is a few KiB. */
    public static final long MAX_DESCRIPTOR = 1L << 20;
    /** The largest manifest or certificate: a few hundred bytes each in practice. */
    public static final long MAX_SMALL_FILE = 64L << 10;
    /** A machine state is a few KiB of JSON plus the console the VMM keeps. */
    public static final long MAX_MACHINE = 16L << 20;
    public static final long MAX_HISTORY = 64L << 20;
    /** The largest disk the ATA device addresses with 28-bit LBAs (as {@code vm create} allows). */
    public static final long MAX_DISK = (1L << 28) * 512;
    /** RAM sizes the VMM runs (BootLayout). */
    public static final long MIN_RAM = BootLayout.MIN_RAM;
    public static final long MAX_RAM = BootLayout.MAX_RAM;

    /** The files that carry the VM itself (all but the descriptor, manifest and certificate). */
    public enum Payload {
        IMAGE("image", "-image.bin", "the guest image"),
        DISK("disk", "-disk.img", "the disk (raw)"),
        MACHINE("machine", "-machine.json", "the machine state (CPU, devices, console)"),
        MEMORY("memory", "-memory.pages", "the guest's memory (pages)"),
        HISTORY("history", "-history.jsonl", "the VM's history");

        private final String id;
        private final String suffix;
        private final String meaning;

        Payload(String id, String suffix, String meaning) {
            this.id = id;
            this.suffix = suffix;
            this.meaning = meaning;
        }

        /** The {@code ovf:id} of its File element in the descriptor's References. */
        public String id() {
            return id;
        }

        public String fileName(String vm) {
            return vm + suffix;
        }

        public String meaning() {
            return meaning;
        }

        public static Payload byId(String id) {
            for (Payload payload : values()) {
                if (payload.id.equals(id)) {
                    return payload;
                }
            }
            return null;
        }
    }

    public static String descriptor(String vm) {
        return vm + ".ovf";
    }

    public static String manifest(String vm) {
        return vm + ".mf";
    }

    public static String certificate(String vm) {
        return vm + ".cert";
    }

    /**
     * The most plain bytes a payload file of this VM may hold: what the VMM could ever have
     * written. A reader stops at these, so a small archive cannot unpack into a huge one.
     */
    public static long maxPlainSize(Payload payload, long memoryBytes, long diskCapacity) {
        return switch (payload) {
            case IMAGE -> memoryBytes - BootLayout.GUEST_LOAD_ADDRESS;
            case DISK -> diskCapacity;
            case MACHINE -> MAX_MACHINE;
            // PageSet's file: 21 bytes of header, then at most every page with its 4-byte number
            case MEMORY -> 21 + memoryBytes / 4096 * (4 + 4096);
            case HISTORY -> MAX_HISTORY;
        };
    }

    /** Bytes a file of {@code size} takes in a tar archive: its header block and its data padded to whole blocks. */
    public static long tarBytes(long size) {
        return BLOCK + (size + BLOCK - 1) / BLOCK * BLOCK;
    }
}
