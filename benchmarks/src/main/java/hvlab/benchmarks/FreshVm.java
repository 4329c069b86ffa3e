package hvlab.benchmarks;

import hvlab.vmm.ExecutionMode;
import hvlab.vmm.Vm;
import hvlab.vmm.image.GuestImage;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The state every VMM-side benchmark shares: a VM with a bench guest loaded, built fresh for
 * every run outside the measured time, so each run boots, translates and runs the same work.
 * Each benchmark declares its own {@code @State} subclass naming the guest and the mode.
 */
public abstract class FreshVm {
    private final GuestImage image;
    private final ExecutionMode mode;
    Vm vm;

    protected FreshVm(GuestImage image, ExecutionMode mode) {
        this.image = image;
        this.mode = mode;
    }

    /** The mode to boot in: the constructor's, unless a subclass picks it from a JMH parameter (set after construction). */
    protected ExecutionMode mode() {
        return mode;
    }

    @Setup(Level.Invocation)
    public void boot() {
        vm = BenchGuest.vm(image, mode());
    }

    @TearDown(Level.Invocation)
    public void close() {
        vm.close();
    }
}
