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
import hvlab.vmm.bt.BinaryTranslator;
import hvlab.vmm.bt.CodePageGuard;
import hvlab.vmm.paravirt.HypercallTable;
import hvlab.vmm.boot.VmmRegion;
import hvlab.vmm.devices.DebugExitDevice;
import hvlab.vmm.devices.InterruptController;
import hvlab.vmm.devices.IoBus;
import hvlab.vmm.devices.IoDevice;
import hvlab.vmm.devices.Pit8254;
import hvlab.vmm.devices.SerialPort;
import hvlab.vmm.interrupts.GuestEvent;
import hvlab.vmm.interrupts.InterruptDelivery;
import hvlab.vmm.interrupts.IretEmulation;
import hvlab.vmm.interrupts.StackSegmentLoad;
import hvlab.cpu.Instruction;
import hvlab.vmm.trap.CodeScanner;
import hvlab.vmm.trap.PortIoInstructions;
import hvlab.vmm.trap.PrivilegedInstructions;
import hvlab.vmm.trap.TrapDispatcher;

import java.time.Duration;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * One virtual machine: guest RAM, a CPU running the guest at CPL 3, the VMM region that holds the
 * real (shadow) GDT, the virtual CPU state, the devices, and the trap dispatcher that ties them.
 *
 * <p>{@link #run()} boots the guest per the guest ABI (DESIGN.md section 5) and drives the CPU in
 * time slices until the guest ends: by halting, through the debug-exit port, by a fault, or when
 * its time is up. Between slices the VMM lets virtual time pass and injects pending interrupts.
 */
public final class Vm implements AutoCloseable {
    /** How long the CPU runs, by default, before the VMM lets the timer tick and looks for interrupts to inject. */
    public static final Duration DEFAULT_SLICE = Duration.ofMillis(10);
    /** The real CPU always runs with CR4.TSD set, so RDTSC traps and the guest reads the virtual TSC. */
    private static final int REAL_CR4 = VirtualCpu.CR4_TSD;
    /** Timer ticks a halted guest may sleep through (all masked) before we decide nothing will wake it. */
    private static final int MAX_IDLE_TICKS = 100_000;
    /** Bytes decoded from a discovery hint (the start of a translated block) to find a missed I/O instruction. */
    private static final int DISCOVERY_WINDOW = 256;

    private final VmConfig config;
    private final GuestMemory ram;
    private final VmmRegion vmmRegion = new VmmRegion();
    private final CpuBackend cpu;
    private final Disassembler disassembler;
    private final VirtualCpu vcpu = new VirtualCpu();
    private final IoBus io = new IoBus();
    private final SerialPort serial;
    private final InterruptController pic = new InterruptController();
    private final Pit8254 pit = new Pit8254(pic.line(0));
    private final TrapCounters counters = new TrapCounters();
    private final TrapDispatcher dispatcher;
    private final CodeScanner scanner;
    /**
     * Emulate port I/O at watched instructions (exact boundaries) instead of in Unicorn's I/O
     * hooks. Exact, but we measured that any code hook makes every later guest exception about
     * 30 times as expensive, so only binary translation, which watches instructions anyway, uses it.
     */
    private final boolean preciseIo;
    private final BinaryTranslator translator;
    private final CodePageGuard codeGuard;
    private long virtualNanos;
    private Duration slice = DEFAULT_SLICE;

    /** @param console receives the guest's serial output byte by byte as it is written */
    public Vm(VmConfig config, IntConsumer console) {
        this.config = config;
        this.ram = new GuestMemory(config.memoryBytes());
        this.cpu = new UnicornBackend();
        this.disassembler = new CapstoneDisassembler();
        this.serial = new SerialPort(console);
        PrivilegedInstructions privileged = new PrivilegedInstructions(vcpu, this::loadShadowGdt);
        this.dispatcher = new TrapDispatcher(cpu, disassembler, vcpu, privileged,
                new IretEmulation(vcpu, vmmRegion.shadow()), new InterruptDelivery(vcpu, vmmRegion.shadow()),
                new StackSegmentLoad(vcpu, vmmRegion.shadow()), io, counters);
        io.attach(serial);
        io.attach(new DebugExitDevice(value -> dispatcher.exit(new VmExit.DebugExit(value))));
        for (IoDevice chip : pic.devices()) {
            io.attach(chip);
        }
        io.attach(pit);
        cpu.setTrapHandler(dispatcher);
        this.scanner = new CodeScanner(disassembler);
        this.preciseIo = config.mode() == ExecutionMode.BT;
        this.translator = config.mode() == ExecutionMode.BT ? new BinaryTranslator(vcpu, disassembler) : null;
        long imageEnd = Math.min(ram.size(), (BootLayout.GUEST_LOAD_ADDRESS + config.image().code().length + 4095) & -4096L);
        this.codeGuard = translator == null ? null
                : new CodePageGuard(cpu, ram, translator, BootLayout.GUEST_LOAD_ADDRESS, imageEnd);
        if (translator != null) {
            dispatcher.setWatchedInstructionHandler(translator);
            dispatcher.setCodeGuard(new TrapDispatcher.CodeGuard() {
                public boolean onWrite(long address) { return codeGuard.onWrite(address); }
                public boolean onFetch(long address) { return codeGuard.onFetch(address); }
            });
        }
        // Hypercalls exist only for guests that run paravirtualized (section IV.B.2 of the paper).
        dispatcher.setHypercallHandler(config.mode() == ExecutionMode.PARAVIRT
                ? new HypercallTable(vcpu, config.memoryBytes(), this::loadShadowGdt, serial::transmit, this::virtualNanos)
                : HypercallTable.disabled());
    }

    public VmConfig config() { return config; }

    public VirtualCpu virtualCpu() { return vcpu; }

    public GuestMemory ram() { return ram; }

    public TrapCounters counters() { return counters; }

    public TrapDispatcher dispatcher() { return dispatcher; }

    public CpuBackend cpu() { return cpu; }

    public Disassembler disassembler() { return disassembler; }

    /** Sets the time slice: shorter slices preempt the guest more often (tests use this to stress preemption). */
    public void setTimeSlice(Duration slice) {
        if (slice.isZero() || slice.isNegative()) {
            throw new IllegalArgumentException("a time slice must be positive");
        }
        this.slice = slice;
    }

    /** Virtual time since boot, in nanoseconds: what the guest's timer has seen. */
    public long virtualNanos() { return virtualNanos; }

    /** Boots the guest and runs it to its end. */
    public VmResult run() {
        long started = System.nanoTime();
        boot();
        long deadline = config.timeout().isZero() ? Long.MAX_VALUE : started + config.timeout().toNanos();
        long eip = BootLayout.TRAMPOLINE;
        VmExit exit = null;
        try (Watchdog watchdog = new Watchdog(deadline, cpu::requestStop)) {
            exit = runUntilExit(eip, deadline);
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        return new VmResult(config.image().name(), config.mode(), exit, serial.text(), counters.byLabel(),
                io.unclaimedReads(), io.unclaimedWrites(), translatedSites(), millis);
    }

    private VmExit runUntilExit(long eip, long deadline) {
        VmExit exit = null;
        while (exit == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                exit = new VmExit.Timeout(config.timeout().toMillis());
                break;
            }
            if (dispatcher.waitingForInterrupt()) {
                exit = sleepUntilInterrupt(eip);
            } else {
                if (preciseIo) {
                    watchDiscoveredIo();
                }
                if (codeGuard != null) {
                    codeGuard.apply();
                }
                long sliceStart = System.nanoTime();
                RunResult result = cpu.run(eip, left < slice.toNanos() ? Duration.ofNanos(left) : slice);
                passTime(System.nanoTime() - sliceStart);
                exit = dispatcher.exit();
                if (exit == null && result.cause() == RunResult.Cause.CPU_ERROR) {
                    exit = new VmExit.CpuError(result.detail());
                }
                if (exit == null && !dispatcher.waitingForInterrupt()) {
                    injectPendingInterrupt();
                    exit = dispatcher.exit();
                }
            }
            eip = Integer.toUnsignedLong(cpu.read(Register.EIP));
        }
        return exit;
    }

    /**
     * HLT with interrupts enabled. Nothing runs until the next interrupt, so instead of waiting in
     * real time the VMM skips virtual time straight to the timer's next tick: an idle guest costs
     * nothing, and the tick it sees is the same on every run.
     */
    private VmExit sleepUntilInterrupt(long eip) {
        // Skip ahead tick by tick: a tick may arrive masked at the PIC and wake nothing.
        for (int ticks = 0; vcpu.interruptsEnabled() && !pic.hasPendingInterrupt(); ticks++) {
            long next = pit.nanosUntilNextInterrupt();
            if (next == Pit8254.NEVER || ticks >= MAX_IDLE_TICKS) {
                break;
            }
            passTime(next);
        }
        if (!vcpu.interruptsEnabled() || !pic.hasPendingInterrupt()) {
            return new VmExit.Halt(eip - 1); // waiting for an interrupt that no device will raise
        }
        injectPendingInterrupt();
        return dispatcher.exit();
    }

    private void passTime(long nanos) {
        virtualNanos += nanos;
        pit.advance(nanos);
        vcpu.msrs().advanceTsc(nanos);
    }

    /** The CPU's INTR pin, sampled at an instruction boundary: deliver if the guest's IF allows. */
    private void injectPendingInterrupt() {
        if (vcpu.interruptsEnabled() && pic.hasPendingInterrupt()) {
            int vector = pic.acknowledge();
            dispatcher.deliver(GuestEvent.external(vector, Integer.toUnsignedLong(cpu.read(Register.EIP))));
        }
    }

    /** Makes the CPU stop just before each of these I/O instructions, so the VMM emulates them exactly. */
    private void watchIo(List<Instruction> sites) {
        for (Instruction site : sites) {
            if (!dispatcher.isIoSite(site.address())) {
                dispatcher.addIoSite(site);
                cpu.watchInstruction(site.address());
            }
        }
    }

    /** I/O instructions the boot scan missed (code the guest wrote itself, say): decode from where they were seen. */
    private void watchDiscoveredIo() {
        for (long hint : dispatcher.takeDiscoveryHints()) {
            if (hint + DISCOVERY_WINDOW <= ram.size()) {
                watchIo(scanner.scan(ram.read(hint, DISCOVERY_WINDOW), hint, PortIoInstructions::isPortIo));
            }
        }
    }

    /** The guest loaded a GDT (by LGDT or hypercall): rebuild the real GDT as its shadow. */
    private void loadShadowGdt(long base, int limit) {
        vmmRegion.shadow().load(base, limit, this::readGuestDescriptor);
    }


    /** How many sensitive instructions binary translation instruments (0 in other modes). */
    public int translatedSites() {
        return translator == null ? 0 : translator.sites().size();
    }

    private long readGuestDescriptor(long address) {
        if (address + 8 > ram.size()) {
            return 0;
        }
        return Integer.toUnsignedLong(ram.read32(address)) | ((long) ram.read32(address + 4) << 32);
    }

    /**
     * Maps guest RAM. In bt mode each page of the image gets a mapping of its own, so that
     * {@link CodePageGuard} can change one page's protection (Unicorn cannot split a mapping).
     */
    private void mapRam() {
        if (codeGuard == null) {
            cpu.map(0, ram, Protection.ALL);
            return;
        }
        long page = GuestMemory.PAGE_SIZE;
        long imageStart = BootLayout.GUEST_LOAD_ADDRESS;
        long imageEnd = Math.min(ram.size(), (imageStart + config.image().code().length + page - 1) & -page);
        cpu.map(0, ram, 0, imageStart, Protection.ALL);
        for (long at = imageStart; at < imageEnd; at += page) {
            cpu.map(at, ram, at, page, Protection.ALL);
        }
        if (imageEnd < ram.size()) {
            cpu.map(imageEnd, ram, imageEnd, ram.size() - imageEnd, Protection.ALL);
        }
    }

    /** Loads the image at 1 MiB, maps RAM and the VMM region, and sets the entry state of the guest ABI. */
    private void boot() {
        ram.write(BootLayout.GUEST_LOAD_ADDRESS, config.image().code());
        mapRam();
        if (preciseIo) {
            watchIo(scanner.scan(config.image().code(), BootLayout.GUEST_LOAD_ADDRESS, PortIoInstructions::isPortIo));
        }
        if (codeGuard != null) {
            // Binary translation: find the sensitive instructions and have the CPU stop at each one.
            codeGuard.translate(config.image().code(), BootLayout.GUEST_LOAD_ADDRESS);
        }
        vmmRegion.prepareEntry(cpu, BootLayout.GUEST_LOAD_ADDRESS, config.memoryBytes());
        cpu.write(Register.EBX, (int) config.memoryBytes());
        cpu.write(Register.CR4, REAL_CR4);
        vcpu.setInterruptsEnabled(false);
        vcpu.setPrivilegeLevel(0);
    }

    @Override
    public void close() {
        cpu.close();
        disassembler.close();
        vmmRegion.close();
        ram.close();
    }
}
