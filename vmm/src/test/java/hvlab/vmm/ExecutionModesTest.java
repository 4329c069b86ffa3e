package hvlab.vmm;

import hvlab.vmm.image.GuestImages;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/** The three answers to x86's sensitive instructions, side by side on the same guests (issue: --mode). */
class ExecutionModesTest {
    static VmResult run(String guest, ExecutionMode mode) throws Exception {
        VmConfig config = VmConfig.of(GuestImages.resolve(guest)).withMode(mode).withTimeout(Duration.ofSeconds(20));
        return TestGuests.run(config);
    }

    @Test
    void redPillDetectsTrapAndEmulateButNotBinaryTranslation() throws Exception {
        VmResult trap = run("redpill", ExecutionMode.TRAP);
        assertTrue(trap.serial().contains("redpill: a VMM is detected (4 of 4 checks)"), trap.serial());
        assertEquals(0, trap.translatedSites());

        VmResult bt = run("redpill", ExecutionMode.BT);
        assertTrue(bt.serial().contains("redpill: no VMM detected"), bt.serial());
        assertTrue(bt.translatedSites() >= 4, "SIDT, SGDT, SMSW and PUSHF at least: " + bt.translatedSites());
        assertTrue(bt.traps(TrapKind.TRANSLATED) >= 4);
    }

    @Test
    void pvHelloRunsOnlyParavirtualized() throws Exception {
        VmResult pv = run("pv-hello", ExecutionMode.PARAVIRT);
        assertEquals(new VmExit.DebugExit(0), pv.exit());
        assertTrue(pv.serial().contains("integrity verified by the VMM"), pv.serial());
        assertEquals(0, pv.traps(TrapKind.PRIVILEGED), "a paravirtual kernel runs no privileged instruction");
        assertTrue(pv.traps(TrapKind.HYPERCALL) > 5);

        for (ExecutionMode other : new ExecutionMode[] {ExecutionMode.TRAP, ExecutionMode.BT}) {
            VmResult refused = run("pv-hello", other);
            assertEquals(new VmExit.DebugExit(2), refused.exit(), other.label());
            assertTrue(refused.serial().contains("run it with --mode paravirt"), refused.serial());
        }
    }

    @Test
    void ordinaryGuestsBehaveTheSameInEveryMode() throws Exception {
        for (ExecutionMode mode : ExecutionMode.values()) {
            VmResult syscalls = run("syscalls", mode);
            assertTrue(syscalls.serial().endsWith("kernel: served 4 system calls\n"), mode + ": " + syscalls.serial());
        }
    }

    @Test
    void binaryTranslationFollowsCodeTheGuestWritesAtRunTime() {
        // The guest writes "sidt [sidt_out]; ret" into its own (translated, so guarded) code page
        // and calls it. The translator must notice the write and scan the page again before it
        // runs, or the new SIDT would run natively and show the real IDTR.
        String selfModifying = """
                        lidt [idt_descriptor]
                        smsw ax                 ; a sensitive instruction: this page is translated
                        mov byte [code_buffer], 0x0F
                        mov byte [code_buffer + 1], 0x01
                        mov byte [code_buffer + 2], 0x0D
                        mov dword [code_buffer + 3], sidt_out
                        mov byte [code_buffer + 7], 0xC3
                        call code_buffer
                        cmp dword [sidt_out + 2], 0x2000
                        jne .leaked
                        debug_exit 1
                .leaked: debug_exit 2
                idt_descriptor: dw 0x7FF
                                dd 0x2000
                sidt_out:       times 6 db 0
                code_buffer:    times 16 db 0x90
                """;
        VmResult bt = TestGuests.run(VmConfig.of(TestGuests.assemble("smc", selfModifying)).withMode(ExecutionMode.BT));
        assertEquals(new VmExit.DebugExit(1), bt.exit(), "SIDT in rewritten code was translated");
        VmResult trap = TestGuests.run(VmConfig.of(TestGuests.assemble("smc", selfModifying)));
        assertEquals(new VmExit.DebugExit(2), trap.exit(), "under trap-and-emulate the new SIDT leaks");
    }
}
