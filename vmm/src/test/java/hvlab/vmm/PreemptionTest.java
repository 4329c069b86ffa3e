package hvlab.vmm;

import org.junit.jupiter.api.RepeatedTest;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Preempting a guest must never change what it computes. Unicorn resumes from a stale EIP when
 * the CPU is stopped from another thread or inside one of its I/O hooks, which runs some
 * instructions twice; the VMM therefore stops the CPU only at the start of a translated block
 * (see BlockBoundaryStop). This guest balances its stack across 300,000 calls with I/O and
 * privileged instructions inside, and is cut into slices of 200 µs: a single replayed PUSH or POP
 * would end it with the wrong ESP, and a replayed IN, OUT, CLI or STI would show in the counts.
 */
class PreemptionTest {
    @RepeatedTest(5)
    void ioHeavyGuestComputesTheSameUnderConstantPreemption() {
        run(BODY, ExecutionMode.TRAP);
    }

    @RepeatedTest(2)
    void ioHeavyGuestComputesTheSameUnderConstantPreemptionInBtMode() {
        run(BODY, ExecutionMode.BT);
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

    static void run(String body, ExecutionMode mode) {
        var config = VmConfig.of(TestGuests.assemble("preempted-io", body)).withMode(mode).withTimeout(Duration.ZERO);
        try (Vm vm = new Vm(config, b -> { })) {
            vm.boot();
            int slicesEnded = 0;
            SliceResult result;
            do {
                result = vm.runSlice(Duration.ofNanos(200_000));
                if (result instanceof SliceResult.Ran) {
                    slicesEnded++;
                }
            } while (!(result instanceof SliceResult.Ended));
            assertTrue(slicesEnded > 20, "the guest really was preempted, " + slicesEnded + " times");
            var exit = ((SliceResult.Ended) result).exit();
            assertEquals(new VmExit.DebugExit(1), exit, "the stack balanced across every preemption");
            assertEquals(600_000 + 1, vm.counters().get(TrapKind.IO), "every IN and OUT handled exactly once");
            assertEquals(600_000, vm.counters().get(TrapKind.PRIVILEGED), "every CLI and STI emulated exactly once");
        }
    }
}
