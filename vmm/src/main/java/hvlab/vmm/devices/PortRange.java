package hvlab.vmm.devices;

/**
 * A run of consecutive I/O ports one device decodes. Most ISA devices decode one run (COM1:
 * 0x3F8-0x3FF); some decode two that the PC's history pulled apart, as the ATA channel does:
 * its command block at 0x1F0-0x1F7 and its control block at 0x3F6, squeezed in beside the
 * floppy controller's ports.
 */
public record PortRange(int first, int count) {
    public PortRange {
        if (count <= 0 || first < 0 || first + count > 0x10000) {
            throw new IllegalArgumentException(String.format("not a port range: %#x, %d ports", first, count));
        }
    }

    public boolean contains(int port) {
        return port >= first && port < first + count;
    }
}
