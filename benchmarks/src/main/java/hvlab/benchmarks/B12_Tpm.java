package hvlab.benchmarks;

import hvlab.cpu.GuestMemory;
import hvlab.vmm.tpm.Manufacturer;
import hvlab.vmm.tpm.MonotonicCounters;
import hvlab.vmm.tpm.Quote;
import hvlab.vmm.tpm.Sha256;
import hvlab.vmm.tpm.Tpm;
import hvlab.vmm.tpm.TpmEvent;
import hvlab.vmm.tpm.VmLaunch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * What trusted computing costs (TPM.md):
 * <ul>
 *   <li>{@code shaGuestMemory} vs {@code shaHeapArray}: measuring a 16 MiB guest, SHA-256 over its
 *       RAM read in place through the {@code GuestMemory} segment (the native memory Unicorn runs
 *       the guest in, as a direct ByteBuffer: no copy of RAM), against {@code MessageDigest} over a
 *       heap array of the same bytes, in the same run. Figure {@code sha_guest_over_heap}, the first
 *       over the second; goal at least 0.8: reading guest memory where it lies must not make a
 *       measurement much dearer than hashing Java's own memory.</li>
 *   <li>{@code quote}: TPM2_Quote, an ECDSA P-256 signature over a PCR digest and a nonce: quotes
 *       signed per second, what bounds how often a verifier can ask.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class B12_Tpm {
    static final int GUEST_BYTES = 16 << 20;

    @State(Scope.Benchmark)
    public static class Guest {
        GuestMemory memory;
        byte[] heap;

        @Setup(Level.Trial)
        public void fill() {
            memory = new GuestMemory(GUEST_BYTES);
            heap = new byte[GUEST_BYTES];
            new Random(12).nextBytes(heap);
            memory.write(0, heap);
        }

        @TearDown(Level.Trial)
        public void close() {
            memory.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Signer {
        Tpm tpm;
        byte[] nonce = new byte[32];
        long asked;

        @Setup(Level.Trial)
        public void manufacture() {
            tpm = Tpm.manufacture("bench", Manufacturer.create("bench CA"), new MonotonicCounters());
            tpm.powerOn();
            tpm.measure(VmLaunch.IMAGE, TpmEvent.GUEST_IMAGE, new byte[4096], "image");
        }
    }

    @Benchmark
    public byte[] shaGuestMemory(Guest guest) {
        MessageDigest digest = Sha256.newDigest();
        digest.update(guest.memory.segment().asByteBuffer());
        return digest.digest();
    }

    @Benchmark
    public byte[] shaHeapArray(Guest guest) {
        MessageDigest digest = Sha256.newDigest();
        digest.update(guest.heap);
        return digest.digest();
    }

    @Benchmark
    public Quote quote(Signer signer) {
        signer.nonce[0] = (byte) signer.asked++; // a new question each time, as a verifier asks
        return signer.tpm.quote(VmLaunch.SELECTION, signer.nonce);
    }
}
