package hvlab.vmm.snapshot;

import hvlab.cpu.GuestMemory;
import hvlab.cpu.linux.WriteProtectWatch;
import hvlab.vmm.SliceResult;
import hvlab.vmm.Vm;
import hvlab.vmm.VmConfig;
import hvlab.vmm.image.GuestImage;
import hvlab.vmm.image.NasmAssembler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A real guest under the VMM stores to known pages, phase by phase; each tracker must report exactly those. */
class DirtyPageTrackerTest {
    static final long DONE = 0x200000;
    static final long GO = 0x201000;

    /**
     * Each phase adds to the dword at each address in its list (so the bytes really change), counts
     * itself done at DONE, and spins, reading only, until the test raises GO to that count.
     */
    static final String GUEST = """
            bits 32
            org 0x100000
            DONE equ 0x200000
            GO   equ 0x201000
                    mov esi, phases
            .phase: lodsd                   ; how many addresses, 0 = the end
                    mov ecx, eax
                    jecxz .end
            .store: lodsd
                    add dword [eax], 0x01010101
                    loop .store
                    inc dword [DONE]
            .wait:  mov eax, [GO]
                    cmp eax, [DONE]
                    jb .wait
                    jmp .phase
            .end:   cli
                    hlt
            phases:
                    dd 4, 0x300000, 0x300FFE, 0x3FF000, 0x180010   ; 0x300FFE straddles pages 0x300 and 0x301
                    dd 2, 0x250000, 0x3FFFFC
                    dd 0
            """;

    @TempDir
    Path dir;

    Vm boot() throws Exception {
        Path source = Files.writeString(dir.resolve("phases.asm"), GUEST);
        GuestImage image = new GuestImage("phases", NasmAssembler.assemble(source));
        Vm vm = new Vm(VmConfig.of(image).withMemory(4 << 20).withTimeout(Duration.ofSeconds(20)), b -> { });
        vm.boot();
        return vm;
    }

    static DirtyPageTracker tracker(String method, GuestMemory ram) {
        if (method.equals("write-protect")) {
            assumeTrue(WriteProtectWatch.unavailable() == null, WriteProtectWatch.unavailable());
            return new WriteProtectTracker(ram);
        }
        return new ComparingTracker(ram);
    }

    static void runUntilDone(Vm vm, int phases) {
        for (int slice = 0; vm.ram().read(DONE, 4) < phases; slice++) {
            assertTrue(slice < 1000, "the guest finishes phase " + phases);
            SliceResult result = vm.runSlice(Duration.ofMillis(5));
            assertFalse(result instanceof SliceResult.Ended, "the guest ended early: " + result);
        }
    }

    static BitSet pages(long... addresses) {
        BitSet set = new BitSet();
        for (long address : addresses) set.set((int) (address >> 12));
        return set;
    }

    @ParameterizedTest
    @ValueSource(strings = {"write-protect", "compare"})
    void reportsThePagesTheGuestAndTheVmmWrote(String method) throws Exception {
        try (Vm vm = boot(); DirtyPageTracker tracker = tracker(method, vm.save().ram())) {
            tracker.startOver();
            runUntilDone(vm, 1);
            assertEquals(pages(0x300000, 0x301000, 0x3FF000, 0x180000, DONE), tracker.takeDirty());
            vm.runSlice(Duration.ofMillis(5));
            assertEquals(new BitSet(), tracker.takeDirty(), "a guest that only reads dirties nothing");

            vm.ram().write(GO, 4, 1); // the VMM's own store counts as much as the guest's
            runUntilDone(vm, 2);
            assertEquals(pages(0x250000, 0x3FF000, DONE, GO), tracker.takeDirty());
            assertEquals(method, tracker.method());
        }
    }

    @Test
    void thePropertyChoosesTheWayAndWriteProtectionIsTheDefault() {
        try (GuestMemory ram = new GuestMemory(1 << 16)) {
            String before = System.getProperty(DirtyPageTracker.PROPERTY);
            try {
                System.clearProperty(DirtyPageTracker.PROPERTY);
                try (DirtyPageTracker chosen = DirtyPageTracker.forRam(ram)) {
                    assertEquals(WriteProtectWatch.unavailable() == null ? "write-protect" : "compare", chosen.method());
                }
                System.setProperty(DirtyPageTracker.PROPERTY, "compare");
                try (DirtyPageTracker chosen = DirtyPageTracker.forRam(ram)) {
                    assertEquals("compare", chosen.method());
                }
                System.setProperty(DirtyPageTracker.PROPERTY, "guess");
                assertThrows(IllegalArgumentException.class, () -> DirtyPageTracker.forRam(ram));
            } finally {
                if (before == null) System.clearProperty(DirtyPageTracker.PROPERTY);
                else System.setProperty(DirtyPageTracker.PROPERTY, before);
            }
        }
    }
}
