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
            assertEquals(new KernelBaseline.Finding("system call 7", profile.describe(0x101000 + 0x40 * 7),
                    "0x00200000 (outside the kernel text)"), findings.get(1));
        }
    }

    @Test
    void anAddressIsNamedByTheKernelFunctionItLiesIn() throws Exception {
        OsProfile profile = ProcessTableTest.profile(ProcessTableTest.PROFILE.replace("\"end\": 1050000", "\"end\": 1060000").replace("\"syscall_table\"",
                "\"symbols\": {\"sys_procs\": 1052672, \"sys_exit\": 1052800, \"proc_table\": 2097152, \"bad\": -5},\n \"syscall_table\""));
        assertEquals("0x00101000 sys_procs", profile.describe(0x101000));
        assertEquals("0x00101010 sys_procs+0x10", profile.describe(0x101010));
        assertEquals("0x00101080 sys_exit", profile.describe(0x101080));
        assertEquals("0x00100010 (kernel text)", profile.describe(0x100010), "below the first symbol");
        assertEquals("0x00fdd018 (outside the kernel text)", profile.describe(0xFDD018));
        assertFalse(profile.canKill(), "this profile names no kill flag");
    }

    @Test
    void aKillFlagOutsideTheEntryIsRefused() {
        String json = ProcessTableTest.PROFILE.replace("\"parent\": {\"offset\": 40}", "\"parent\": {\"offset\": 40}, \"killed\": {\"offset\": 46}");
        var e = assertThrows(OsProfile.BadProfile.class, () -> ProcessTableTest.profile(json));
        assertTrue(e.getMessage().contains("implausible"), e.getMessage());
    }
}
