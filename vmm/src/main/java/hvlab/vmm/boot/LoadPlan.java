package hvlab.vmm.boot;

import java.util.List;
import java.util.Optional;

/**
 * Where a guest image's bytes go in guest RAM and where the guest starts: what a boot loader works
 * out before it jumps. Three kinds of image, tried in this order:
 * <ol>
 *   <li>an ELF executable: its {@code PT_LOAD} segments at their physical addresses, entered at
 *       {@code e_entry}; Multiboot if it carries a Multiboot header (as xv6's kernel does);</li>
 *   <li>a flat image with a Multiboot header whose address fields (the "a.out kludge") say where
 *       it goes and where to enter;</li>
 *   <li>a flat image with neither: hvlab's own ABI, loaded at 1 MiB and entered there (GUESTS.md).</li>
 * </ol>
 * Everything must land in RAM at or above 1 MiB: below lies the Multiboot information, and the
 * VMM's region at the top of the address space is no RAM at all.
 *
 * @param multiboot true if the guest is entered the Multiboot way (EAX = magic, EBX = information)
 */
public record LoadPlan(String format, List<ElfImage.Segment> segments, long entry, boolean multiboot) {

    /** How {@code image} is loaded into {@code ramBytes} of RAM; throws with the reason if it cannot be. */
    public static LoadPlan of(byte[] image, long ramBytes) throws BadImageException {
        LoadPlan plan;
        Optional<MultibootHeader> header = MultibootHeader.find(image);
        if (ElfImage.looksLikeElf(image)) {
            ElfImage elf = ElfImage.parse(image);
            plan = new LoadPlan(header.isPresent() ? "ELF, Multiboot" : "ELF", elf.segments(), elf.entry(), header.isPresent());
        } else if (header.isPresent() && header.get().hasAddresses()) {
            plan = kludge(image, header.get());
        } else {
            plan = new LoadPlan("flat", List.of(new ElfImage.Segment(BootLayout.GUEST_LOAD_ADDRESS, image, image.length)),
                    BootLayout.GUEST_LOAD_ADDRESS, false);
        }
        plan.check(ramBytes);
        return plan;
    }

    /** The highest address the image occupies, exclusive. */
    public long end() {
        return segments.stream().mapToLong(ElfImage.Segment::end).max().orElse(BootLayout.GUEST_LOAD_ADDRESS);
    }

    private void check(long ramBytes) throws BadImageException {
        for (ElfImage.Segment s : segments) {
            if (s.address() < BootLayout.GUEST_LOAD_ADDRESS) {
                throw new BadImageException(String.format("%s image: a segment at 0x%x lies below 1 MiB, where hvlab keeps the boot information",
                        format, s.address()));
            }
            if (s.end() > ramBytes) {
                throw new BadImageException(String.format("%s image: a segment at 0x%x-0x%x does not fit in %d MiB of RAM",
                        format, s.address(), s.end(), ramBytes >> 20));
            }
        }
        boolean entryLoaded = segments.stream().anyMatch(s -> entry >= s.address() && entry < s.address() + s.fileBytes().length);
        if (!entryLoaded) {
            throw new BadImageException(String.format("%s image: its entry point 0x%x is not in any code it loads", format, entry));
        }
    }

    /**
     * The a.out kludge (Multiboot 3.1.3): {@code header_addr} is where the header itself must end
     * up, which fixes where the file's first byte goes; {@code load_end_addr} (0: to the end of the
     * file) and {@code bss_end_addr} (0: no bss) bound what is copied and what is zeroed.
     */
    private static LoadPlan kludge(byte[] image, MultibootHeader h) throws BadImageException {
        if (h.loadAddress() > h.headerAddress() || h.headerAddress() - h.loadAddress() > h.offset()) {
            throw new BadImageException("the Multiboot header's load_addr does not fit its header_addr and its place in the file");
        }
        long fileStart = h.offset() - (h.headerAddress() - h.loadAddress());
        long length = h.loadEndAddress() == 0 ? image.length - fileStart : h.loadEndAddress() - h.loadAddress();
        if (length < 0 || fileStart + length > image.length) {
            throw new BadImageException("the Multiboot header's load_end_addr lies past the end of the image");
        }
        long memory = h.bssEndAddress() == 0 ? length : h.bssEndAddress() - h.loadAddress();
        if (memory < length) {
            throw new BadImageException("the Multiboot header's bss_end_addr lies before load_end_addr");
        }
        byte[] bytes = new byte[(int) length];
        System.arraycopy(image, (int) fileStart, bytes, 0, bytes.length);
        return new LoadPlan("flat, Multiboot", List.of(new ElfImage.Segment(h.loadAddress(), bytes, memory)),
                h.entryAddress(), true);
    }
}
