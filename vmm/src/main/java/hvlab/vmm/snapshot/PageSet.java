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
import java.util.BitSet;
import java.util.Collections;
import java.util.List;

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
    private static final MemorySegment ZERO_PAGE = MemorySegment.ofArray(new byte[PAGE]);

    private final long ramBytes;
    private final boolean full;
    /**
     * By page number, null for a page the set does not hold. An array rather than a sorted map:
     * a full snapshot puts thousands of pages in, and boxing and balancing a tree for each cost as
     * much again as copying them.
     */
    private final byte[][] pages;
    private int size;

    public PageSet(long ramBytes, boolean full) {
        if (ramBytes <= 0 || ramBytes % PAGE != 0) {
            throw new IllegalArgumentException("RAM of " + ramBytes + " bytes is not a whole number of pages");
        }
        if (ramBytes / PAGE > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("RAM of " + ramBytes + " bytes has too many pages");
        }
        this.ramBytes = ramBytes;
        this.full = full;
        this.pages = new byte[(int) (ramBytes / PAGE)][];
    }

    public long ramBytes() {
        return ramBytes;
    }

    public boolean full() {
        return full;
    }

    public int size() {
        return size;
    }

    public List<Integer> pageNumbers() {
        List<Integer> numbers = new ArrayList<>(size);
        for (int page = 0; page < pages.length; page++) {
            if (pages[page] != null) numbers.add(page);
        }
        return Collections.unmodifiableList(numbers);
    }

    /** The bytes of page {@code page}, or null when this set does not hold it (not a copy: do not change them). */
    public byte[] page(int page) {
        return page < 0 || page >= pages.length ? null : pages[page];
    }

    public void put(int page, byte[] data) {
        if (page < 0 || (long) page * PAGE >= ramBytes || data.length != PAGE) {
            throw new IllegalArgumentException("page " + page + " is not a page of " + ramBytes + " bytes of RAM");
        }
        set(page, data);
    }

    private void set(int page, byte[] data) {
        if (pages[page] == null) size++;
        pages[page] = data;
    }

    /** Every non-zero page of {@code ram}: a full set. */
    public static PageSet fullOf(MemorySegment ram) {
        PageSet set = new PageSet(ram.byteSize(), true);
        for (long at = 0; at < ram.byteSize(); at += PAGE) {
            MemorySegment page = ram.asSlice(at, PAGE);
            if (page.mismatch(ZERO_PAGE) >= 0) {
                set.set((int) (at / PAGE), page.toArray(ValueLayout.JAVA_BYTE));
            }
        }
        return set;
    }

    /** The pages {@code dirty} names, copied from {@code ram}: an incremental set (the dirty pages come from a {@link DirtyPageTracker}). */
    public static PageSet of(MemorySegment ram, BitSet dirty) {
        PageSet set = new PageSet(ram.byteSize(), false);
        for (int page = dirty.nextSetBit(0); page >= 0; page = dirty.nextSetBit(page + 1)) {
            if ((long) page * PAGE >= ram.byteSize()) {
                throw new IllegalArgumentException("page " + page + " is not a page of " + ram.byteSize() + " bytes of RAM");
            }
            set.set(page, ram.asSlice((long) page * PAGE, PAGE).toArray(ValueLayout.JAVA_BYTE));
        }
        return set;
    }

    /**
     * Writes these pages into {@code ram}. A full set also makes every page it does not hold zero,
     * touching only those that are not zero already: RAM fresh from the kernel is zero, and
     * writing zeros there would only make the kernel give the pages real memory.
     */
    public void applyTo(MemorySegment ram) {
        if (ram.byteSize() != ramBytes) {
            throw new IllegalArgumentException("pages of " + ramBytes + " bytes of RAM, not " + ram.byteSize());
        }
        for (int page = 0; page < pages.length; page++) {
            long at = (long) page * PAGE;
            if (pages[page] != null) {
                MemorySegment.copy(pages[page], 0, ram, ValueLayout.JAVA_BYTE, at, PAGE);
            } else if (full && ram.asSlice(at, PAGE).mismatch(ZERO_PAGE) >= 0) {
                ram.asSlice(at, PAGE).fill((byte) 0);
            }
        }
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
        for (int page = 0; page < pages.length; page++) {
            byte[] data = later.pages[page] != null ? later.pages[page] : pages[page];
            if (data != null) merged.set(page, data);
        }
        return merged;
    }

    public void write(OutputStream stream) throws IOException {
        DataOutputStream out = new DataOutputStream(stream);
        out.write(MAGIC);
        out.writeLong(ramBytes);
        out.writeByte(full ? 1 : 0);
        out.writeInt(size);
        for (int page = 0; page < pages.length; page++) {
            if (pages[page] != null) {
                out.writeInt(page);
                out.write(pages[page]);
            }
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
            set.set(page, data);
        }
        return set;
    }
}
