package hvlab.vmm.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * The Multiboot 1 header a kernel carries to say "a boot loader may load me" (Multiboot
 * Specification 0.6.96, section 3.1): the magic {@code 0x1BADB002}, 32-bit aligned, somewhere in
 * the first 8 KiB of the image, followed by flags and a checksum that makes the three words sum
 * to zero. Flag bit 16 (the "a.out kludge") says that five address fields follow, telling the
 * loader where to put a flat image and where to enter it; without it the image must be ELF and
 * the loader takes those from the program headers.
 *
 * <p>Flag bits 0-15 are requirements: a loader must refuse a kernel that asks for one it does not
 * meet. hvlab meets bit 0 (modules page-aligned: it loads none), bit 1 (the memory map) and
 * bit 16; video modes (bit 2) it does not offer.
 */
public record MultibootHeader(int offset, int flags, long headerAddress, long loadAddress, long loadEndAddress,
                              long bssEndAddress, long entryAddress) {
    public static final int MAGIC = 0x1BADB002;
    /** The header must lie in the first 8 KiB of the image. */
    static final int SEARCH_LIMIT = 8192;
    static final int FLAG_PAGE_ALIGN = 1;
    static final int FLAG_MEMORY_INFO = 1 << 1;
    static final int FLAG_VIDEO_MODE = 1 << 2;
    static final int FLAG_ADDRESSES = 1 << 16;
    private static final int MET = FLAG_PAGE_ALIGN | FLAG_MEMORY_INFO;

    public boolean hasAddresses() {
        return (flags & FLAG_ADDRESSES) != 0;
    }

    /** The header, if the image has one; throws if it has a broken one or asks for what hvlab cannot give. */
    public static Optional<MultibootHeader> find(byte[] image) throws BadImageException {
        ByteBuffer in = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int limit = Math.min(image.length, SEARCH_LIMIT) - 12;
        for (int at = 0; at <= limit; at += 4) {
            if (in.getInt(at) != MAGIC) {
                continue;
            }
            int flags = in.getInt(at + 4);
            int checksum = in.getInt(at + 8);
            if (MAGIC + flags + checksum != 0) {
                continue; // the magic number by chance, not a header: the checksum is what makes it one
            }
            int unmet = flags & 0xFFFF & ~MET;
            if (unmet != 0) {
                throw new BadImageException(String.format("the Multiboot header asks for features hvlab does not offer (flags 0x%x%s)",
                        unmet, (unmet & FLAG_VIDEO_MODE) != 0 ? ": a video mode" : ""));
            }
            if ((flags & FLAG_ADDRESSES) == 0) {
                return Optional.of(new MultibootHeader(at, flags, 0, 0, 0, 0, 0));
            }
            if (at + 32 > image.length) {
                throw new BadImageException("the Multiboot header's address fields are cut off by the end of the image");
            }
            return Optional.of(new MultibootHeader(at, flags, u32(in, at + 12), u32(in, at + 16), u32(in, at + 20),
                    u32(in, at + 24), u32(in, at + 28)));
        }
        return Optional.empty();
    }

    private static long u32(ByteBuffer in, int at) {
        return Integer.toUnsignedLong(in.getInt(at));
    }
}
