package hvlab.vmm.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A 32-bit x86 ELF executable read the way a boot loader reads one (GRUB, QEMU's {@code -kernel}):
 * only the program headers matter. Each {@code PT_LOAD} header says "put these file bytes at this
 * physical address, and zero the rest up to {@code memsz}" (the rest is the program's bss). Section
 * headers, symbols and relocations are for linkers and debuggers; a loader ignores them.
 *
 * <p>The file comes from whoever made the image, so every field is checked before it is used:
 * offsets and sizes must lie inside the file, the header must say 32-bit, little-endian, x86
 * and executable, and there is a bound on the number of segments. What is wrong is said in one
 * line ({@link BadImageException}).
 *
 * <p>Layout (System V ABI, "ELF header" and "Program header"): the ELF header's {@code e_entry}
 * at 24, {@code e_phoff} at 28, {@code e_phentsize} at 42, {@code e_phnum} at 44; each program
 * header has {@code p_type}, {@code p_offset}, {@code p_vaddr}, {@code p_paddr}, {@code p_filesz},
 * {@code p_memsz}, each 32 bits.
 */
public record ElfImage(long entry, List<Segment> segments) {
    private static final int HEADER = 52;
    private static final int PROGRAM_HEADER = 32;
    private static final int PT_LOAD = 1;
    private static final int ET_EXEC = 2;
    private static final int EM_386 = 3;
    /** More than any real kernel has; a bound so that a hostile header cannot make us loop for long. */
    private static final int MAX_PROGRAM_HEADERS = 64;

    /** {@code fileBytes} of the file go to {@code address}; then zeros up to {@code memorySize}. */
    public record Segment(long address, byte[] fileBytes, long memorySize) {
        public long end() {
            return address + memorySize;
        }
    }

    public static boolean looksLikeElf(byte[] file) {
        return file.length >= 4 && file[0] == 0x7F && file[1] == 'E' && file[2] == 'L' && file[3] == 'F';
    }

    /** Reads the loadable segments of {@code file}; throws with the reason if it is not a 32-bit x86 executable. */
    public static ElfImage parse(byte[] file) throws BadImageException {
        if (!looksLikeElf(file)) {
            throw new BadImageException("not an ELF file (no \\x7fELF at its start)");
        }
        if (file.length < HEADER) {
            throw new BadImageException("ELF header cut short: " + file.length + " bytes, the header alone is " + HEADER);
        }
        if (file[4] != 1) {
            throw new BadImageException("a 64-bit ELF file: hvlab's guests are 32-bit (gcc -m32, ld -m elf_i386)");
        }
        if (file[5] != 1) {
            throw new BadImageException("a big-endian ELF file: x86 is little-endian");
        }
        ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int type = Short.toUnsignedInt(in.getShort(16));
        int machine = Short.toUnsignedInt(in.getShort(18));
        if (machine != EM_386) {
            throw new BadImageException("an ELF file for machine " + machine + ", not for x86 (3)");
        }
        if (type != ET_EXEC) {
            throw new BadImageException("ELF type " + type + " is not an executable (2): link it, e.g. with ld -m elf_i386 -T guest.ld");
        }
        long entry = Integer.toUnsignedLong(in.getInt(24));
        long tableOffset = Integer.toUnsignedLong(in.getInt(28));
        int entrySize = Short.toUnsignedInt(in.getShort(42));
        int count = Short.toUnsignedInt(in.getShort(44));
        if (count == 0) {
            throw new BadImageException("the ELF file has no program headers: nothing to load");
        }
        if (count > MAX_PROGRAM_HEADERS) {
            throw new BadImageException("the ELF file claims " + count + " program headers (at most " + MAX_PROGRAM_HEADERS + ")");
        }
        if (entrySize < PROGRAM_HEADER) {
            throw new BadImageException("program headers of " + entrySize + " bytes: they are " + PROGRAM_HEADER);
        }
        if (tableOffset + (long) count * entrySize > file.length) {
            throw new BadImageException("the program header table lies past the end of the file");
        }
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int at = (int) (tableOffset + (long) i * entrySize);
            if (in.getInt(at) != PT_LOAD) {
                continue;
            }
            long offset = Integer.toUnsignedLong(in.getInt(at + 4));
            long physical = Integer.toUnsignedLong(in.getInt(at + 12));
            long fileSize = Integer.toUnsignedLong(in.getInt(at + 16));
            long memorySize = Integer.toUnsignedLong(in.getInt(at + 20));
            if (offset + fileSize > file.length) {
                throw new BadImageException("segment " + i + " says its " + fileSize + " bytes are at offset " + offset
                        + ", past the end of the file (" + file.length + " bytes)");
            }
            if (memorySize < fileSize) {
                throw new BadImageException("segment " + i + " is smaller in memory (" + memorySize + ") than in the file (" + fileSize + ")");
            }
            if (physical + memorySize > 1L << 32) {
                throw new BadImageException("segment " + i + " runs past 4 GiB");
            }
            byte[] bytes = new byte[(int) fileSize];
            System.arraycopy(file, (int) offset, bytes, 0, bytes.length);
            segments.add(new Segment(physical, bytes, memorySize));
        }
        if (segments.isEmpty()) {
            throw new BadImageException("the ELF file has no loadable (PT_LOAD) segment");
        }
        return new ElfImage(entry, List.copyOf(segments));
    }
}
