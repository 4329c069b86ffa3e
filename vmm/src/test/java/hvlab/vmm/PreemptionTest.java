package hvlab.vmm;

import org.junit.jupiter.api.RepeatedTest;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Preempting a guest must never change what it computes. Unicorn resumes from a stale EIP when
 * the CPU is stopped from another thread or inside one of its I/O hooks, which runs some
 * instructions twice; the VMM therefore ends a time slice only at an exact instruction boundary
 * (a fault). This guest balances its stack across 300,000 calls with I/O and privileged
 * instructions inside, and is preempted every millisecond: a single replayed PUSH or POP would
 * end it with the wrong ESP.
 */
class PreemptionTest {
    @RepeatedTest(5)
    void ioHeavyGuestComputesTheSameUnderConstantPreemption() {
        run(BODY);
    }

    static final String BODY = """
                        mov esi, esp
                        mov ecx, 300000
                .loop:  call probe
                        dec ecx
                        jnz .loop
                        cmp esp, esi
                        jne .bad
                        debug_exit 1
                .bad:   debug_exit 2
                probe:  push edx
                        push eax
                        mov dx, 0x80
                        in al, dx
                        cli
                        sti
                        out dx, al
                        pop eax
                        pop edx
                        ret
                """;

    static void run(String body) {
        var config = VmConfig.of(TestGuests.assemble("preempted-io", body)).withTimeout(Duration.ofSeconds(30));
        try (Vm vm = new Vm(config, b -> { })) {
            vm.setTimeSlice(Duration.ofMillis(1));
            VmResult result = vm.run();
            assertEquals(new VmExit.DebugExit(1), result.exit(), "the stack balanced across every preemption");
            assertEquals(600_000 + 1, result.traps(TrapKind.IO), "every IN and OUT handled exactly once");
            assertEquals(600_000, result.traps(TrapKind.PRIVILEGED), "every CLI and STI emulated exactly once");
        }
    }
}
