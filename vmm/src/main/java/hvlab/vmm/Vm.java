package hvlab.vmm;

import hvlab.cpu.CpuBackend;
import hvlab.cpu.Disassembler;
import hvlab.cpu.GuestMemory;
import hvlab.cpu.Protection;
import hvlab.cpu.Register;
import hvlab.cpu.RunResult;
import hvlab.cpu.capstone.CapstoneDisassembler;
import hvlab.cpu.unicorn.UnicornBackend;
import hvlab.vmm.boot.BootLayout;
import hvlab.vmm.boot.VmmRegion;
import hvlab.vmm.devices.DebugExitDevice;
import hvlab.vmm.devices.IoBus;
import hvlab.vmm.devices.SerialPort;
import hvlab.vmm.paravirt.Hypercalls;
import hvlab.vmm.trap.PrivilegedInstructions;
import hvlab.vmm.trap.TrapDispatcher;

import java.time.Duration;
import java.util.function.IntConsumer;

/**
 * One virtual machine: guest RAM, a CPU running the guest at CPL 3, the VMM region that holds the
 * real GDT, the virtual CPU state, the devices, and the trap dispatcher that ties them together.
 *
 * <p>{@link #run()} boots the guest per the guest ABI (DESIGN.md section 5) and drives the CPU in
 * time slices until the guest ends: by halting, through the debug-exit port, by a fault, or when
 * its time is up.
 */
public final class Vm implements AutoCloseable {
    /** How long the CPU runs before the VMM looks at the clock (and, later, injects interrupts). */
    private static final Duration SLICE = Duration.ofMillis(100);

    private final VmConfig config;
    private final GuestMemory ram;
    private final VmmRegion vmmRegion = new VmmRegion();
    private final CpuBackend cpu;
    private final Disassembler disassembler;
    private final VirtualCpu vcpu = new VirtualCpu();
    private final IoBus io = new IoBus();
    private final SerialPort serial;
    private final TrapCounters counters = new TrapCounters();
    private final TrapDispatcher dispatcher;

    /** @param console receives the guest's serial output byte by byte as it is written */
    public Vm(VmConfig config, IntConsumer console) {
        this.config = config;
        this.ram = new GuestMemory(config.memoryBytes());
        this.cpu = new UnicornBackend();
        this.disassembler = new CapstoneDisassembler();
        this.serial = new SerialPort(console);
        io.attach(serial);
        this.dispatcher = new TrapDispatcher(cpu, disassembler, new PrivilegedInstructions(vcpu), io, new Hypercalls(), counters);
        io.attach(new DebugExitDevice(value -> dispatcher.exit(new VmExit.DebugExit(value))));
        cpu.setTrapHandler(dispatcher);
    }

    public VmConfig config() {
        return config;
    }

    public VirtualCpu virtualCpu() {
        return vcpu;
    }

    public GuestMemory ram() {
        return ram;
    }

    public TrapCounters counters() {
        return counters;
    }

    /** Boots the guest and runs it to its end. */
    public VmResult run() {
        long started = System.nanoTime();
        boot();
        long deadline = config.timeout().isZero() ? Long.MAX_VALUE : started + config.timeout().toNanos();
        long eip = BootLayout.TRAMPOLINE;
        VmExit exit = null;
        while (exit == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                exit = new VmExit.Timeout(config.timeout().toMillis());
                break;
            }
            RunResult result = cpu.run(eip, left < SLICE.toNanos() ? Duration.ofNanos(left) : SLICE);
            exit = dispatcher.exit();
            if (exit == null && result.cause() == RunResult.Cause.CPU_ERROR) {
                exit = new VmExit.CpuError(result.detail());
            }
            eip = Integer.toUnsignedLong(cpu.read(Register.EIP));
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        return new VmResult(config.image().name(), config.mode(), exit, serial.text(), counters.byLabel(),
                io.unclaimedReads(), io.unclaimedWrites(), millis);
    }

    /** Loads the image at 1 MiB, maps RAM and the VMM region, and sets the entry state of the guest ABI. */
    private void boot() {
        ram.write(BootLayout.GUEST_LOAD_ADDRESS, config.image().code());
        cpu.map(0, ram, Protection.ALL);
        vmmRegion.prepareEntry(cpu, BootLayout.GUEST_LOAD_ADDRESS, config.memoryBytes());
        cpu.write(Register.EBX, (int) config.memoryBytes());
        vcpu.setInterruptsEnabled(false);
    }

    @Override
    public void close() {
        cpu.close();
        disassembler.close();
        vmmRegion.close();
        ram.close();
    }
}
