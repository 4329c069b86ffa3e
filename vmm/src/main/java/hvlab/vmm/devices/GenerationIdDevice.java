package hvlab.vmm.devices;

import java.util.HexFormat;

/**
 * The VM generation ID: 128 bits a guest can read, which change whenever the VM is copied or
 * rolled back (Microsoft's "Virtual Machine Generation ID" specification, 2012; QEMU's
 * {@code vmgenid} device). A guest that keeps secrets or random state checks it: if it changed,
 * the guest is a copy or an earlier self, and must not go on as if it were the only one (reuse a
 * one-time nonce, repeat a random stream). Paper IV.E.1, the loss of uniqueness, made readable.
 *
 * <p>Real hardware exposes the ID in memory through ACPI; hvlab uses 16 read-only I/O ports,
 * 0x4E0-0x4EF, byte 0 at 0x4E0, little-endian as the specification stores it. Writes are ignored.
 */
public final class GenerationIdDevice implements IoDevice {
    public static final int FIRST_PORT = 0x4E0;
    private static final int BYTES = 16;

    /** The ID, for save and restore (a restored VM keeps its ID unless the host gives it a new one). */
    public record State(String generationId) implements DeviceState {}

    private byte[] id;

    /** @param hex 32 hex digits, or null for all zeros (a machine with no ID) */
    public GenerationIdDevice(String hex) {
        this.id = parse(hex);
    }

    private static byte[] parse(String hex) {
        if (hex == null) {
            return new byte[BYTES];
        }
        byte[] bytes = HexFormat.of().parseHex(hex);
        if (bytes.length != BYTES) {
            throw new IllegalArgumentException("a generation ID is 128 bits (32 hex digits), not " + hex);
        }
        return bytes;
    }

    /** The host gives the VM a new generation (after a revert): the guest sees it at its next read. */
    public void change(String hex) {
        this.id = parse(hex);
    }

    public String generationId() {
        return HexFormat.of().formatHex(id);
    }

    @Override
    public String name() {
        return "VM generation ID";
    }

    @Override
    public String id() {
        return "genid";
    }

    @Override
    public int firstPort() {
        return FIRST_PORT;
    }

    @Override
    public int portCount() {
        return BYTES;
    }

    @Override
    public int read(int port, int size) {
        int value = 0;
        for (int i = 0; i < size; i++) {
            int at = port - FIRST_PORT + i;
            value |= (at < BYTES ? id[at] & 0xFF : 0xFF) << (8 * i);
        }
        return value;
    }

    @Override
    public void write(int port, int size, int value) {
        // read-only
    }

    @Override
    public DeviceState save() {
        return new State(generationId());
    }

    @Override
    public void restore(DeviceState state) {
        id = parse(Device.expect(State.class, state, id()).generationId());
    }
}
