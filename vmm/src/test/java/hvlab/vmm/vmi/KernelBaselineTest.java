package hvlab.vmm.vmi;

import hvlab.cpu.GuestMemory;
import hvlab.vmm.VirtualCpu;
import hvlab.vmm.memory.GuestRam;
import hvlab.vmm.state.CpuRegisters;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Livewire's integrity checker over what an OS profile names: a hooked system call and patched kernel code are named. */
class KernelBaselineTest {

    @Test
    void aHookedSystemCallAndPatchedKernelCodeAreNamedWithOldAndNewValues() throws Exception {
        OsProfile profile = ProcessTableTest.profile(ProcessTableTest.PROFILE); // text 0x100000-0x101770, table at 1060000
        try (GuestMemory memory = new GuestMemory(4L << 20)) {
            GuestRam ram = new GuestRam(memory, null);
            for (int i = 0; i < 13; i++) {
                ram.write(1060000 + 4L * i, 4, 0x101000 + 0x40 * i);
            }
            Introspection view = new Introspection(ram, new CpuRegisters(Map.of(), null), new VirtualCpu().save());
            KernelBaseline baseline = KernelBaseline.take(view, profile);
            assertEquals(List.of(), baseline.check(view, profile), "nothing changed yet");

            ram.write(1060000 + 4L * 7, 4, 0x200000); // a rootkit points system call 7 at its own code
            ram.write(0x100010, 1, 0xE9);            // and patches the kernel's text
            List<KernelBaseline.Finding> findings = baseline.check(view, profile);
            assertEquals(2, findings.size(), findings.toString());
            assertTrue(findings.get(0).what().startsWith("the kernel text"), findings.toString());
            assertEquals(new KernelBaseline.Finding("system call 7", String.format("0x%08x", 0x101000 + 0x40 * 7), "0x00200000"),
                    findings.get(1));
        }
    }
}
