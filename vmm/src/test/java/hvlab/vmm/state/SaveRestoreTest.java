package hvlab.vmm.state;

import hvlab.cpu.Register;
import hvlab.vmm.ExecutionMode;
import hvlab.vmm.SliceResult;
import hvlab.vmm.Vm;
import hvlab.vmm.VmConfig;
import hvlab.vmm.VmExit;
import hvlab.vmm.image.GuestImage;
import hvlab.vmm.image.GuestImageException;
import hvlab.vmm.image.GuestImages;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A VM saved at an arbitrary point and restored into a fresh VM must go on exactly as the
 * original does: the same serial output, the same final registers (x87 and SSE included), the
 * same exit. This is what snapshots, migration and replication are built on.
 */
class SaveRestoreTest {

    static GuestImage crunch() throws IOException, GuestImageException {
        Path dir = Files.createTempDirectory("hvlab-crunch");
        Path file = dir.resolve("crunch.asm");
        try (InputStream in = SaveRestoreTest.class.getResourceAsStream("/host/crunch.asm")) {
            Files.write(file, in.readAllBytes());
        }
        return GuestImages.resolve(file.toString());
    }

    /** Runs until the guest ends; returns the final registers. */
    static CpuRegisters finish(Vm vm) {
        for (int i = 0; i < 100_000; i++) {
            SliceResult result = vm.runSlice(Duration.ofMillis(5));
            if (result instanceof SliceResult.Ended ended) {
                assertEquals(new VmExit.DebugExit(0), ended.exit(), vm.console().text());
                return CpuRegisters.read(vm.cpu());
            }
        }
        throw new AssertionError("the guest did not end");
    }

    @ParameterizedTest
    @EnumSource(value = ExecutionMode.class, names = {"TRAP", "BT"})
    void aRestoredVmContinuesExactlyAsTheOriginal(ExecutionMode mode) throws Exception {
        VmConfig config = VmConfig.of(crunch()).withMode(mode).withTimeout(Duration.ZERO);
        try (Vm original = new Vm(config, b -> { }); Vm copy = new Vm(config, b -> { })) {
            original.boot();
            // Run a while, in short slices, so the stop lands anywhere in the loop.
            int slices = 0;
            while (original.console().text().lines().count() < 5) {
                assertFalse(original.runSlice(Duration.ofNanos(137_000)) instanceof SliceResult.Ended);
                slices++;
            }
            assertTrue(slices > 3);
            VmState saved = original.save();
            copy.restore(saved);

            CpuRegisters a = finish(original);
            CpuRegisters b = finish(copy);
            assertEquals(original.console().text(), copy.console().text());
            assertTrue(copy.console().text().contains("checksum "), copy.console().text());
            assertEquals(withoutEip(a), withoutEip(b), "final registers, x87 and SSE included");
            assertEquals(a.fpu(), b.fpu());
        }
    }

    @ParameterizedTest
    @EnumSource(value = ExecutionMode.class, names = {"TRAP", "BT"})
    void aStateWrittenAsJsonAndReadBackRestoresTheSameMachine(ExecutionMode mode) throws Exception {
        VmConfig config = VmConfig.of(crunch()).withMode(mode).withTimeout(Duration.ZERO);
        try (Vm original = new Vm(config, b -> { }); Vm copy = new Vm(config, b -> { });
             hvlab.cpu.GuestMemory ram = new hvlab.cpu.GuestMemory(config.memoryBytes())) {
            original.boot();
            while (original.console().text().lines().count() < 3) {
                original.runSlice(Duration.ofNanos(211_000));
            }
            VmState saved = original.save();
            byte[] json = VmStateCodec.encode(saved);
            assertTrue(new String(json, java.nio.charset.StandardCharsets.UTF_8).contains("\"device\" : \"Pic8259\""));
            ram.copyFrom(saved.ram());
            copy.restore(VmStateCodec.decode(json, ram));
            CpuRegisters a = finish(original);
            CpuRegisters b = finish(copy);
            assertEquals(original.console().text(), copy.console().text());
            assertEquals(withoutEip(a), withoutEip(b));
        }
    }

    @org.junit.jupiter.api.Test
    void aDamagedStateIsRefusedWithOneLine() throws Exception {
        try (hvlab.cpu.GuestMemory ram = new hvlab.cpu.GuestMemory(2 << 20)) {
            var e = assertThrows(IllegalArgumentException.class, () -> VmStateCodec.decode("{\"format\":\"x\"}".getBytes(), ram));
            assertTrue(e.getMessage().contains("format"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> VmStateCodec.decode("not json".getBytes(), ram));
            assertThrows(IllegalArgumentException.class, () -> VmStateCodec.decode(("{\"format\":\"" + VmStateCodec.FORMAT + "\"}").getBytes(), ram));
        }
    }

    @ParameterizedTest
    @EnumSource(value = ExecutionMode.class, names = {"TRAP", "BT"})
    void cuttingTheGuestIntoTinySlicesChangesNothing(ExecutionMode mode) throws Exception {
        VmConfig config = VmConfig.of(crunch()).withMode(mode).withTimeout(Duration.ZERO);
        try (Vm straight = new Vm(config, b -> { }); Vm sliced = new Vm(config, b -> { })) {
            straight.boot();
            sliced.boot();
            CpuRegisters a = finish(straight);
            int slices = 0;
            SliceResult result;
            do {
                result = sliced.runSlice(Duration.ofNanos(50_000));
                slices++;
            } while (!(result instanceof SliceResult.Ended));
            assertTrue(slices > 50, "the guest was stopped many times: " + slices);
            assertEquals(straight.console().text(), sliced.console().text());
            assertEquals(withoutEip(a), withoutEip(CpuRegisters.read(sliced.cpu())));
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void aVmSavedBeforeItsFirstInstructionStartsLikeTheOriginal(ExecutionMode mode) throws Exception {
        VmConfig config = VmConfig.of(GuestImages.resolve(mode == ExecutionMode.PARAVIRT ? "pv-hello" : "hello"))
                .withMode(mode).withTimeout(Duration.ofSeconds(10));
        try (Vm original = new Vm(config, b -> { }); Vm copy = new Vm(config, b -> { })) {
            original.boot();
            copy.restore(original.save());
            VmExit a = runToEnd(original);
            VmExit b = runToEnd(copy);
            assertEquals(a, b);
            assertFalse(copy.console().text().isEmpty());
            // pv-hello prints its virtual time, which is CPU time here: the one line allowed to differ
            assertEquals(withoutTime(original.console().text()), withoutTime(copy.console().text()));
        }
    }

    private static String withoutTime(String console) {
        return console.replaceAll("virtual time: \\w+", "virtual time: ...");
    }

    private static VmExit runToEnd(Vm vm) {
        while (true) {
            if (vm.runSlice(Duration.ofMillis(10)) instanceof SliceResult.Ended ended) {
                return ended.exit();
            }
        }
    }

    /** EIP after a debug exit can differ by the instructions the last block ran; the rest must not. */
    private static java.util.Map<Register, Integer> withoutEip(CpuRegisters registers) {
        var values = new java.util.EnumMap<Register, Integer>(registers.values());
        values.remove(Register.EIP);
        return values;
    }
}
