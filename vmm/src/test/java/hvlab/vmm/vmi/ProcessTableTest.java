package hvlab.vmm.vmi;

import hvlab.cpu.GuestMemory;
import hvlab.vmm.VirtualCpu;
import hvlab.vmm.memory.GuestRam;
import hvlab.vmm.state.CpuRegisters;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Reading a guest kernel's process table through an OS profile, and Livewire's comparison with its ps. */
class ProcessTableTest {
    static final String PROFILE = """
            {"os": "toy", "kernel_text": {"start": 1048576, "end": 1050000},
             "proc_table": {"address": 2097152, "count": 4, "entry_size": 48,
               "fields": {"pid": {"offset": 0}, "state": {"offset": 4}, "name": {"offset": 8, "size": 16},
                          "pgdir": {"offset": 24}, "kstack": {"offset": 28}, "parent": {"offset": 40}},
               "states": {"0": "unused", "2": "runnable", "4": "sleeping"}},
             "syscall_table": {"address": 1060000, "count": 13, "entry_size": 4}}
            """;

    static OsProfile profile(String json) throws OsProfile.BadProfile {
        return OsProfile.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theTableReadsAsTheKernelWroteIt() throws Exception {
        OsProfile profile = profile(PROFILE);
        try (GuestMemory memory = new GuestMemory(4L << 20)) {
            GuestRam ram = new GuestRam(memory, null);
            entry(ram, 0, 1, 4, "init", 0x9000, 0);
            entry(ram, 1, 2, 4, "sh", 0xA000, 0x200000);
            entry(ram, 3, 7, 2, "secret-miner\u001b[2J", 0xB000, 0x200000 + 48);
            Introspection view = new Introspection(ram, new CpuRegisters(Map.of(), null), new VirtualCpu().save());
            List<GuestProcess> processes = ProcessTable.read(view, profile);
            assertEquals(List.of(1, 2, 7), processes.stream().map(GuestProcess::pid).toList(), "the unused slot is skipped");
            assertEquals("sleeping", processes.get(0).state());
            assertEquals(0, processes.get(0).parentPid());
            assertEquals(1, processes.get(1).parentPid(), "the parent pointer leads to init's entry");
            assertEquals(2, processes.get(2).parentPid());
            assertEquals("secret-miner?[2J", processes.get(2).name(), "escape bytes never reach a terminal");
            assertEquals(0xB000, processes.get(2).pageDirectory());

            String lyingPs = "  PID  PPID STATE NAME\n    1 0 sleeping init\n    2 1 sleeping sh\n    9 2 running ps\n";
            assertEquals(List.of("secret-miner?[2J"), LieDetector.hidden(processes, lyingPs).stream().map(GuestProcess::name).toList());
            assertEquals(List.of(), LieDetector.hidden(processes, lyingPs + "    7 2 runnable secret-miner\n"));
        }
    }

    private static void entry(GuestRam ram, int slot, int pid, int state, String name, int pgdir, int parent) {
        long at = 0x200000 + slot * 48L;
        ram.write(at, 4, pid);
        ram.write(at + 4, 4, state);
        byte[] bytes = name.getBytes(StandardCharsets.ISO_8859_1);
        ram.writeBytes(at + 8, java.util.Arrays.copyOf(bytes, 16));
        ram.write(at + 24, 4, pgdir);
        ram.write(at + 40, 4, parent);
    }

    @Test
    void aBrokenProfileIsOneClearError() {
        for (Map.Entry<String, String> bad : Map.of(
                "not a JSON profile", "{",
                "no 'proc_table'", "{\"os\": \"x\"}",
                "not an address", PROFILE.replace("\"address\": 2097152", "\"address\": -5"),
                "implausible", PROFILE.replace("\"count\": 4", "\"count\": 100000"),
                "not a number", PROFILE.replace("\"2\": \"runnable\"", "\"two\": \"runnable\"")).entrySet()) {
            OsProfile.BadProfile e = assertThrows(OsProfile.BadProfile.class, () -> profile(bad.getValue()), bad.getKey());
            assertTrue(e.getMessage().contains(bad.getKey()), e.getMessage());
        }
    }
}
