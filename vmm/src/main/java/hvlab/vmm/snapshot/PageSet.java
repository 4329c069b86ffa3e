package hvlab.vmm.snapshot;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;

/**
 * Pages of guest memory: the unit snapshots, images and migration move memory in. A set holds
 * some of a RAM's 4 KiB pages by number; a <em>full</em> set is a whole RAM (pages it does not
 * hold are zero), an <em>incremental</em> one holds only the pages that changed since another.
 *
 * <p>On disk ({@code memory.pages}):
 * <pre>
 *   "HVPAGES1"   magic
 *   u64          RAM size in bytes
 *   u8           1 for a full set, 0 for an incremental one
 *   u32          number of pages, then for each: u32 page number, 4096 bytes
 * </pre>
 * Reading checks every number against the RAM size, so a damaged or hostile file is refused
 * before a byte of memory is written.
 */
public final class PageSet {
    public static final int PAGE = 4096;
    private static final byte[] MAGIC = "HVPAGES1".getBytes(StandardCharsets.US_ASCII);

    private final long ramBytes;
    private final boolean full;
    private final TreeMap<Integer, byte[]> pages = new TreeMap<>();

    public PageSet(long ramBytes, boolean full) {
        if (ramBytes <= 0 || ramBytes % PAGE != 0) {
            throw new IllegalArgumentException("RAM of " + ramBytes + " bytes is not a whole number of pages");
        }
        this.ramBytes = ramBytes;
        this.full = full;
    }

    public long ramBytes() {
        return ramBytes;
    }

    public boolean full() {
        return full;
    }

    public int size() {
        return pages.size();
    }

    public List<Integer> pageNumbers() {
        return Collections.unmodifiableList(new ArrayList<>(pages.keySet()));
    }

    public void put(int page, byte[] data) {
        if (page < 0 || (long) page * PAGE >= ramBytes || data.length != PAGE) {
            throw new IllegalArgumentException("page " + page + " is not a page of " + ramBytes + " bytes of RAM");
        }
        pages.put(page, data);
    }

    /** Every non-zero page of {@code ram}: a full set. */
    public static PageSet fullOf(MemorySegment ram) {
        PageSet set = new PageSet(ram.byteSize(), true);
        MemorySegment zero = MemorySegment.ofArray(new byte[PAGE]);
        for (long at = 0; at < ram.byteSize(); at += PAGE) {
            MemorySegment page = ram.asSlice(at, PAGE);
            if (page.mismatch(zero) >= 0) {
                set.pages.put((int) (at / PAGE), page.toArray(ValueLayout.JAVA_BYTE));
            }
        }
        return set;
    }

    /**
     * The pages where {@code ram} differs from {@code baseline}: an incremental set. Comparing at
     * capture time costs a pass over RAM (the JDK compares vectorised, gigabytes a second) and
     * nothing while the guest runs; see DESIGN.md for the ways of finding dirty pages measured.
     */
    public static PageSet changed(MemorySegment ram, MemorySegment baseline) {
        PageSet set = new PageSet(ram.byteSize(), false);
        for (long at = 0; at < ram.byteSize(); at += PAGE) {
            MemorySegment page = ram.asSlice(at, PAGE);
            if (page.mismatch(baseline.asSlice(at, PAGE)) >= 0) {
                set.pages.put((int) (at / PAGE), page.toArray(ValueLayout.JAVA_BYTE));
            }
        }
        return set;
    }

    /** Writes these pages into {@code ram}; a full set first clears the rest. */
    public void applyTo(MemorySegment ram) {
        if (ram.byteSize() != ramBytes) {
            throw new IllegalArgumentException("pages of " + ramBytes + " bytes of RAM, not " + ram.byteSize());
        }
        if (full) {
            ram.fill((byte) 0);
        }
        pages.forEach((page, data) -> MemorySegment.copy(data, 0, ram, ValueLayout.JAVA_BYTE, (long) page * PAGE, PAGE));
    }

    /** This set with {@code later}'s pages on top: what a child snapshot becomes when its parent goes. */
    public PageSet under(PageSet later) {
        if (later.ramBytes != ramBytes) {
            throw new IllegalArgumentException("page sets of different RAM sizes");
        }
        if (later.full) {
            return later;
        }
        PageSet merged = new PageSet(ramBytes, full);
        merged.pages.putAll(pages);
        merged.pages.putAll(later.pages);
        return merged;
    }

    public void write(OutputStream stream) throws IOException {
        DataOutputStream out = new DataOutputStream(stream);
        out.write(MAGIC);
        out.writeLong(ramBytes);
        out.writeByte(full ? 1 : 0);
        out.writeInt(pages.size());
        for (var entry : pages.entrySet()) {
            out.writeInt(entry.getKey());
            out.write(entry.getValue());
        }
        out.flush();
    }

    public static PageSet read(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        byte[] magic = in.readNBytes(MAGIC.length);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IOException("not a memory page file");
        }
        long ramBytes = in.readLong();
        if (ramBytes <= 0 || ramBytes > (1L << 32) || ramBytes % PAGE != 0) {
            throw new IOException("a memory page file for " + ramBytes + " bytes of RAM");
        }
        boolean full = in.readByte() == 1;
        int count = in.readInt();
        if (count < 0 || (long) count > ramBytes / PAGE) {
            throw new IOException("a memory page file claiming " + count + " pages");
        }
        PageSet set = new PageSet(ramBytes, full);
        for (int i = 0; i < count; i++) {
            int page = in.readInt();
            if (page < 0 || (long) page * PAGE >= ramBytes) {
                throw new IOException("page " + page + " lies outside " + ramBytes + " bytes of RAM");
            }
            byte[] data = in.readNBytes(PAGE);
            if (data.length != PAGE) {
                throw new EOFException("a memory page file cut short in page " + page);
            }
            set.pages.put(page, data);
        }
        return set;
    }
}
