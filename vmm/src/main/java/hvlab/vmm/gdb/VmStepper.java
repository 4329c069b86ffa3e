package hvlab.vmm.gdb;

import hvlab.cpu.Register;
import hvlab.vmm.SliceResult;
import hvlab.vmm.Vm;

import java.time.Duration;

/**
 * One guest instruction, exactly: the VM's own run loop with the CPU in single-step mode
 * ({@link hvlab.cpu.CpuBackend#setSingleStep}) and interrupts held. Going through the VM's loop
 * rather than around it is what makes a step over a trapping instruction right: {@code cli},
 * {@code mov cr3}, {@code out} or a hypercall traps, the VMM emulates it once, and the step ends
 * after it, as a step on hardware would. Call with the VM off every CPU.
 */
public final class VmStepper {
    /**
     * Binary translation may stop the CPU before the stepped instruction to scan its block, and the
     * VM's slice can end right there; the step is then tried again, a few times at most.
     */
    private static final int ATTEMPTS = 4;

    private VmStepper() {}

    public static SliceResult step(Vm vm, BreakpointTraps traps) {
        long from = eip(vm);
        traps.rearm();
        traps.beginStep(from);
        vm.holdInterrupts(true);
        vm.cpu().setSingleStep(true);
        try {
            SliceResult result = null;
            for (int i = 0; i < ATTEMPTS; i++) {
                result = vm.runSlice(Duration.ofSeconds(1));
                boolean mayNotHaveRun = result instanceof SliceResult.Ran || result instanceof SliceResult.Stopped;
                if (!mayNotHaveRun || eip(vm) != from) {
                    break;
                }
            }
            return result;
        } finally {
            vm.cpu().setSingleStep(false);
            vm.holdInterrupts(false);
            traps.endStep();
        }
    }

    private static long eip(Vm vm) {
        return Integer.toUnsignedLong(vm.cpu().read(Register.EIP));
    }
}
