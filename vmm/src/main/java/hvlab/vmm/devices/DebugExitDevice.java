package hvlab.vmm.devices;

import java.util.function.IntConsumer;

/**
 * QEMU's {@code isa-debug-exit} device at port 0xF4: a guest writes a value v and the VM ends
 * with exit status {@code (v << 1) | 1}. Test guests use it to report PASS or FAIL as a number
 * (the odd status can never be confused with a clean 0).
 */
public final class DebugExitDevice implements IoDevice {
    public static final int PORT = 0xF4;
    private final IntConsumer onExit;

    /** @param onExit called with the value the guest wrote */
    public DebugExitDevice(IntConsumer onExit) {
        this.onExit = onExit;
    }

    /** The device has no state; the record is here so every device saves something. */
    public record State() implements DeviceState {}

    @Override
    public String name() {
        return "debug exit";
    }

    @Override
    public String id() {
        return "debug-exit";
    }

    @Override
    public DeviceState save() {
        return new State();
    }

    @Override
    public void restore(DeviceState state) {
        Device.expect(State.class, state, id());
    }

    @Override
    public int firstPort() {
        return PORT;
    }

    @Override
    public int portCount() {
        return 1;
    }

    @Override
    public int read(int port, int size) {
        return 0xFFFFFFFF;
    }

    @Override
    public void write(int port, int size, int value) {
        onExit.accept(value);
    }
}
