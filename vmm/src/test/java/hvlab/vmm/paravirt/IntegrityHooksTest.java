package hvlab.vmm.paravirt;

import hvlab.vmm.VirtualCpu;
import hvlab.vmm.trap.Emulation;
import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.*;

/** MEASURE and VERIFY, the paper's security hooks, against the JDK's own SHA-256. */
class IntegrityHooksTest {
    private static final int RAM = 256 * 1024;
    private static final int CODE = 0x1000;
    private static final int CODE_BYTES = 150_000;  // more than one 64 KiB chunk
    private static final int HASH = 0x100;
    private static final int EXPECTED = 0x200;

    private final HypercallTable table = new HypercallTable(new VirtualCpu(), RAM, (b, l) -> { }, b -> { }, () -> 0);
    private final FakeGuest guest = new FakeGuest(RAM);

    IntegrityHooksTest() {
        for (int i = 0; i < CODE_BYTES; i++) {
            guest.memory[CODE + i] = (byte) (i * 31 + 7);
        }
    }

    private int call(Hypercall call, int... args) {
        assertEquals(new Emulation.Resume(1), table.call(guest.call(call.number(), args), 1));
        return guest.eax();
    }

    private byte[] jdkSha256(int address, int length) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(guest.get(address, length));
    }

    @Test
    void measureWritesTheSha256OfTheRegion() throws Exception {
        assertEquals(0, call(Hypercall.MEASURE, CODE, CODE_BYTES, HASH));
        assertArrayEquals(jdkSha256(CODE, CODE_BYTES), guest.get(HASH, 32));
        IntegrityHooks.Measurement logged = table.measurements().getFirst();
        assertEquals(new IntegrityHooks.Measurement(CODE, CODE_BYTES, HexFormat.of().formatHex(guest.get(HASH, 32))), logged);
    }

    @Test
    void measureOfNothingIsTheHashOfTheEmptyString() {
        assertEquals(0, call(Hypercall.MEASURE, CODE, 0, HASH));
        String emptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assertEquals(emptySha256, HexFormat.of().formatHex(guest.get(HASH, 32)));
    }

    @Test
    void verifyAnswersOneForTheRightHashAndZeroOnceTheCodeChanges() throws Exception {
        guest.put(EXPECTED, jdkSha256(CODE, CODE_BYTES));
        assertEquals(1, call(Hypercall.VERIFY, CODE, CODE_BYTES, EXPECTED));
        guest.memory[CODE + 100_000] ^= 1;  // one flipped bit: a patched instruction
        assertEquals(0, call(Hypercall.VERIFY, CODE, CODE_BYTES, EXPECTED));
        assertEquals(2, table.measurements().size());
    }

    @Test
    void badPointersAreEfaultAndTheOutputBufferIsUntouched() {
        guest.put(HASH, new byte[32]);
        assertEquals(Hypercalls.EFAULT, call(Hypercall.MEASURE, CODE, RAM, HASH));                 // region runs off the end
        assertEquals(Hypercalls.EFAULT, call(Hypercall.MEASURE, CODE, 16, RAM - 31));              // output runs off the end
        assertEquals(Hypercalls.EFAULT, call(Hypercall.MEASURE, CODE, 16, 0xFFF00008));            // output on the VMM's GDT
        assertEquals(Hypercalls.EFAULT, call(Hypercall.MEASURE, 0xFFFFFFF0, 0x20, HASH));          // wraps around 4 GiB
        assertEquals(Hypercalls.EFAULT, call(Hypercall.VERIFY, CODE, 16, RAM - 16));               // expected hash off the end
        assertEquals(Hypercalls.EFAULT, call(Hypercall.VERIFY, 0xFFF00000, 16, EXPECTED));         // the VMM region
        assertArrayEquals(new byte[32], guest.get(HASH, 32));
        assertTrue(table.measurements().isEmpty(), "nothing was hashed");
    }
}
