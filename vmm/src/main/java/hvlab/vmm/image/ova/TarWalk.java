package hvlab.vmm.image.ova;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Walks an OVA's entries one by one as a suspicious reader must, refusing before it reads a
 * file's data anything that could make "extracting" write where it should not or read more than
 * the archive declares.
 *
 * <p>A ustar archive (POSIX.1-1988, IEEE 1003.1) is a sequence of 512-byte header blocks, each
 * followed by its file's data padded to whole blocks, and two zero blocks at the end. A header
 * holds the name (100 bytes, plus a 155-byte prefix), the size in octal, and a type flag:
 * {@code '0'} a regular file, {@code '1'} a hard link, {@code '2'} a symbolic link, {@code '5'}
 * a directory. Extensions (POSIX pax {@code 'x'} headers, GNU {@code 'L'} long names and
 * {@code 'S'} sparse files) insert extra blocks that rename an entry, resize it, or declare a
 * huge file made of a few bytes. What is refused, and why:
 * <ul>
 *   <li>names with a {@code /} (an OVA is a flat list): {@code ../} climbs out of the folder
 *       it is extracted into, an absolute path writes anywhere ("zip slip");</li>
 *   <li>anything but a regular file: a link can point at {@code /etc/passwd}, so that writing
 *       "the disk" later writes through it; a sparse entry expands beyond its archive bytes;</li>
 *   <li>extension headers: each header must follow the previous file's data directly, so none
 *       can be hiding between them;</li>
 *   <li>sizes that run past the end of the archive, or bytes past its end.</li>
 * </ul>
 * Apache Commons Compress parses the headers; this class decides what is allowed.
 */
final class TarWalk implements AutoCloseable {
    /** The most entries an hvlab OVA has: descriptor, five payload files, manifest, certificate. */
    static final int MAX_ENTRIES = 8;
    /** Writers pad an archive to a whole record; GNU tar's default record is 20 blocks. */
    private static final int MAX_TRAILER = 20 * OvaLayout.BLOCK;

    record Entry(String name, long size) {}

    private final String ova;
    private final Path file;
    private final long fileSize;
    private final Counting counted;
    private final TarArchiveInputStream tar;
    private long nextHeader;
    private int entries;
    private Entry current;

    TarWalk(Path file, String ova) {
        this.ova = ova;
        this.file = file;
        if (!Files.isRegularFile(file)) {
            throw ImageRefused.of(ova, null, Files.exists(file) ? "is not a regular file" : "no such file");
        }
        try {
            this.fileSize = Files.size(file);
            this.counted = new Counting(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
        } catch (IOException e) {
            throw ImageRefused.of(ova, null, "cannot be read: " + e.getMessage());
        }
        this.tar = new TarArchiveInputStream(counted);
    }

    /** The next entry, checked; null at the end of the archive (after checking nothing follows it). */
    Entry next() {
        TarArchiveEntry e;
        try {
            e = tar.getNextEntry();
        } catch (IOException | IllegalArgumentException bad) {
            if (current == null) {
                throw ImageRefused.of(ova, null, "is not a ustar archive (" + bad.getMessage() + ")");
            }
            throw ImageRefused.of(ova, current.name(), "is followed by bytes that are no tar header: a file longer than "
                    + "its header declares, or a damaged archive");
        }
        if (e == null) {
            checkEnd();
            return null;
        }
        String name = e.getName();
        long headerEnd = counted.count;
        if (headerEnd != nextHeader + OvaLayout.BLOCK) {
            throw ImageRefused.of(ova, printable(name), "comes with tar extension headers (pax or GNU), which can rename or "
                    + "resize an entry: an OVA is plain ustar");
        }
        checkName(name);
        checkType(e, name);
        if (++entries > MAX_ENTRIES) {
            throw ImageRefused.of(ova, null, "holds more than " + MAX_ENTRIES + " files; an hvlab OVA has at most " + MAX_ENTRIES);
        }
        long size = e.getSize();
        if (size < 0 || size > fileSize - headerEnd) {
            throw ImageRefused.of(ova, name, "its tar header declares " + size + " bytes, but the archive ends "
                    + (fileSize - headerEnd) + " bytes later (cut short, or a size that lies)");
        }
        nextHeader = headerEnd + (size + OvaLayout.BLOCK - 1) / OvaLayout.BLOCK * OvaLayout.BLOCK;
        current = new Entry(name, size);
        return current;
    }

    /** The current entry's data: exactly the size its header declares, no more. */
    InputStream data() {
        return tar;
    }

    private void checkName(String name) {
        String shown = printable(name);
        if (name.startsWith("/")) {
            throw ImageRefused.of(ova, shown, "is an absolute path: extracting it would write outside the folder");
        }
        if (name.equals("..") || name.startsWith("../") || name.contains("/../") || name.endsWith("/..")) {
            throw ImageRefused.of(ova, shown, "climbs out of the archive's folder ('..')");
        }
        if (name.contains("/") || name.contains("\\")) {
            throw ImageRefused.of(ova, shown, "is in a folder: an OVA's files are one flat list");
        }
        if (name.isEmpty() || name.equals(".") || !name.equals(shown)) {
            throw ImageRefused.of(ova, shown, "is not a file name");
        }
    }

    private void checkType(TarArchiveEntry e, String name) {
        byte flag = e.getLinkFlag();
        if (e.isSymbolicLink()) {
            throw ImageRefused.of(ova, name, "is a symbolic link (to " + printable(e.getLinkName())
                    + "): an OVA holds regular files only, and a link lets a later write land elsewhere");
        }
        if (e.isLink()) {
            throw ImageRefused.of(ova, name, "is a hard link (to " + printable(e.getLinkName()) + "): an OVA holds regular files only");
        }
        if (e.isDirectory()) {
            throw ImageRefused.of(ova, name, "is a directory: an OVA's files are one flat list");
        }
        if (e.isSparse()) {
            throw ImageRefused.of(ova, name, "is a sparse tar entry, which expands beyond the bytes the archive holds");
        }
        if (flag != TarConstants.LF_NORMAL && flag != TarConstants.LF_OLDNORM) {
            throw ImageRefused.of(ova, name, "is not a regular file (tar type '" + (char) flag + "')");
        }
    }

    /**
     * After the last file: the end-of-archive marker (two zero blocks) and at most a record's
     * padding, all zero. Commons Compress reads on to the end of the stream once it sees the
     * marker, so the tail is read from the file itself, where the last file's data ended.
     */
    private void checkEnd() {
        long tail = fileSize - nextHeader;
        if (tail < 2L * OvaLayout.BLOCK) {
            throw ImageRefused.of(ova, null, "ends without the end-of-archive marker (two zero blocks): it was cut short");
        }
        boolean zero = tail >= 2L * OvaLayout.BLOCK && tail <= 2L * OvaLayout.BLOCK + MAX_TRAILER;
        if (zero) {
            try (SeekableByteChannel channel = Files.newByteChannel(file)) {
                ByteBuffer rest = ByteBuffer.allocate((int) tail);
                channel.position(nextHeader);
                while (rest.hasRemaining() && channel.read(rest) > 0) {
                    // read it all
                }
                for (byte b : rest.array()) {
                    zero &= b == 0;
                }
            } catch (IOException e) {
                throw ImageRefused.of(ova, null, "cannot be read: " + e.getMessage());
            }
        }
        if (!zero) {
            throw ImageRefused.of(ova, null, "holds " + Math.max(0, tail - 2L * OvaLayout.BLOCK)
                    + " bytes after the end of the archive, where only zeros may pad it: data hidden past its last file");
        }
    }

    /** A name as it may be shown: control characters (a terminal's escape sequences) replaced. */
    static String printable(String name) {
        StringBuilder out = new StringBuilder();
        name.codePoints().limit(200).forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return out.toString();
    }

    @Override
    public void close() {
        try {
            tar.close();
        } catch (IOException ignored) {
            // reading only: nothing is lost
        }
    }

    /** Counts the bytes the tar reader takes from the file, to see where each header lies. */
    private static final class Counting extends FilterInputStream {
        long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) count++;
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) count += n;
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }
    }
}
