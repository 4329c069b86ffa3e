package hvlab.vmm.devices;

import hvlab.cpu.GuestMemory;
import hvlab.vmm.memory.GuestRam;
import hvlab.vmm.tpm.KeyWrap;
import hvlab.vmm.tpm.Manufacturer;
import hvlab.vmm.tpm.MonotonicCounters;
import hvlab.vmm.tpm.PcrBank;
import hvlab.vmm.tpm.Sha256;
import hvlab.vmm.tpm.Tpm;
import hvlab.vmm.tpm.TpmResponse;
import hvlab.vmm.tpm.VirtualTpm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** The vTPM's command buffer under honest and hostile guests, without a CPU: the ports and RAM directly. */
class TpmDeviceTest {
    private static final int BUFFER = 0x2000;
    private static final long RAM = 2L << 20;
    private static final Manufacturer MAKER = Manufacturer.create("test CA");

    private final GuestMemory memory = new GuestMemory(RAM);
    private final GuestRam ram = new GuestRam(memory, null);
    private final MonotonicCounters counters = new MonotonicCounters();
    private final VirtualTpm vtpm = new VirtualTpm(Tpm.manufacture("vm t", MAKER, counters), KeyWrap.newAesKey(), "uuid-1", t -> { });
    private final TpmDevice device = new TpmDevice(vtpm, ram);

    @AfterEach
    void close() {
        memory.close();
    }

    private int command(long address, int size, int code, byte[] payload) {
        if (ram.contains(address, 8 + payload.length)) {
            ram.writeBytes(address, ByteBuffer.allocate(8 + payload.length).order(ByteOrder.LITTLE_ENDIAN)
                    .putInt(code).putInt(payload.length).put(payload).array());
        }
        device.write(0x4C0, 4, (int) address);
        device.write(0x4C4, 4, size);
        device.write(0x4C8, 1, 1);
        return device.read(0x4C8, 4);
    }

    private int command(int code, byte[] payload) {
        return command(BUFFER, 512, code, payload);
    }

    private byte[] response() {
        int length = ram.read(BUFFER + 4, 4);
        return ram.readBytes(BUFFER + 8, length);
    }

    private static byte[] word(int value, byte[]... rest) {
        ByteBuffer out = ByteBuffer.allocate(4 + Arrays.stream(rest).mapToInt(r -> r.length).sum()).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(value);
        for (byte[] r : rest) out.put(r);
        return out.array();
    }

    @Test
    void extendReadAndQuoteThroughTheBuffer() {
        assertEquals(0xFFFFFFFF, device.read(0x4C8, 4), "no command yet");
        byte[] digest = Sha256.of("guest data".getBytes());
        assertEquals(0, command(TpmCommandBuffer.EXTEND, word(10, digest)));
        assertEquals(0, command(TpmCommandBuffer.PCR_READ, word(10)));
        assertArrayEquals(PcrBank.extended(new byte[32], digest), response());
        assertEquals(0, command(TpmCommandBuffer.QUOTE, word(1 << 10, "nonce".getBytes())));
        byte[] quote = response();
        assertArrayEquals(device.tpm().pcrs().selectionDigest(1 << 10), Arrays.copyOf(quote, 32));
    }

    @Test
    void sealedDataOpensOnlyWithTheSamePcrs() {
        assertEquals(0, command(TpmCommandBuffer.SEAL, word(1 << 10, "secret".getBytes())));
        byte[] blob = response();
        assertEquals(0, command(TpmCommandBuffer.UNSEAL, blob));
        assertArrayEquals("secret".getBytes(), response());
        command(TpmCommandBuffer.EXTEND, word(10, new byte[32]));
        assertEquals(TpmResponse.POLICY_FAIL.code(), command(TpmCommandBuffer.UNSEAL, blob));
    }

    @Test
    void hostileBuffersGetErrorCodesAndChangeNothing() {
        byte[] before = device.tpm().pcrs().read(10);
        assertEquals(TpmResponse.BAD_ADDRESS.code(), command(RAM - 16, 512, TpmCommandBuffer.EXTEND, new byte[0]), "past the end of RAM");
        assertEquals(TpmResponse.BAD_ADDRESS.code(), command(0xFFFFFFF0L, 64, TpmCommandBuffer.EXTEND, new byte[0]), "the 4 GiB wrap");
        assertEquals(TpmResponse.BAD_ADDRESS.code(), command(BUFFER, 1 << 20, TpmCommandBuffer.EXTEND, new byte[0]), "a huge buffer");
        assertEquals(TpmResponse.BAD_ADDRESS.code(), command(BUFFER, 4, TpmCommandBuffer.EXTEND, new byte[0]), "no room for a header");
        assertEquals(TpmResponse.BAD_ADDRESS.code(), command(BUFFER, -1, TpmCommandBuffer.EXTEND, new byte[0]), "a negative size");
        assertEquals(TpmResponse.BAD_COMMAND.code(), command(0x7777, new byte[4]));
        assertEquals(TpmResponse.BAD_SIZE.code(), command(TpmCommandBuffer.EXTEND, word(10, new byte[5])), "a short digest");
        assertEquals(TpmResponse.BAD_PCR.code(), command(TpmCommandBuffer.EXTEND, word(99, new byte[32])));
        assertEquals(TpmResponse.BAD_PCR.code(), command(TpmCommandBuffer.EXTEND, word(-5, new byte[32])));
        assertEquals(TpmResponse.BAD_SIZE.code(), command(TpmCommandBuffer.QUOTE, word(1, new byte[0])), "no nonce");
        assertEquals(TpmResponse.BAD_SIZE.code(), command(TpmCommandBuffer.GET_RANDOM, word(Integer.MAX_VALUE)));
        assertEquals(TpmResponse.POLICY_FAIL.code(), command(TpmCommandBuffer.UNSEAL, new byte[100]));
        byte[] forged = ByteBuffer.allocate(100).putInt(0).put(Sha256.of()).array(); // the policy holds, the ciphertext is junk
        assertEquals(TpmResponse.INTEGRITY.code(), command(TpmCommandBuffer.UNSEAL, forged));
        // a length field that claims more than the buffer holds
        ram.writeBytes(BUFFER, word(TpmCommandBuffer.EXTEND, word(0x7FFFFFF0)));
        device.write(0x4C0, 4, BUFFER);
        device.write(0x4C4, 4, 64);
        device.write(0x4C8, 4, 0);
        assertEquals(TpmResponse.BAD_SIZE.code(), device.read(0x4C8, 4));
        // a response that does not fit the buffer: 256 random bytes into a 64-byte buffer
        assertEquals(TpmResponse.BAD_SIZE.code(), command(BUFFER, 64, TpmCommandBuffer.GET_RANDOM, word(256)));
        assertArrayEquals(before, device.tpm().pcrs().read(10));
    }

    @Test
    void countersStayWhereTheyAreWhenTheMachineIsRestored() {
        assertEquals(0, command(TpmCommandBuffer.COUNTER_INCREMENT, word(1)));
        DeviceState snapshot = device.save();
        command(TpmCommandBuffer.COUNTER_INCREMENT, word(1));
        command(TpmCommandBuffer.EXTEND, word(10, new byte[32]));
        device.restore(snapshot);
        assertEquals(0, command(TpmCommandBuffer.COUNTER_READ, word(1)));
        assertEquals(2L, ByteBuffer.wrap(response()).order(ByteOrder.LITTLE_ENDIAN).getLong(), "a revert never takes a counter back");
        assertArrayEquals(new byte[32], device.tpm().pcrs().read(10), "but the PCRs are the snapshot's");
    }

    @Test
    void aSavedVtpmIsWrappedAndOnlyItsHostCanTakeItUp() {
        command(TpmCommandBuffer.NV_WRITE, word(1, "my secret note".getBytes()));
        TpmDevice.State state = (TpmDevice.State) device.save();
        assertFalse(new String(state.wrapped(), java.nio.charset.StandardCharsets.ISO_8859_1).contains("my secret note"));
        TpmDevice elsewhere = new TpmDevice(new VirtualTpm(Tpm.manufacture("vm x", MAKER, new MonotonicCounters()),
                KeyWrap.newAesKey(), "uuid-1", t -> { }), ram);
        elsewhere.restore(state);
        assertTrue(elsewhere.foreignStateRefused());
    }
}
