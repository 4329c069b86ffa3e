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
import hvlab.vmm.boot.ElfImage;
import hvlab.vmm.boot.LoadPlan;
import hvlab.vmm.boot.MultibootInfo;
import hvlab.vmm.boot.VmmRegion;
import hvlab.vmm.bt.BinaryTranslator;
import hvlab.vmm.console.ConsoleLog;
import hvlab.vmm.devices.PcPlatform;
import hvlab.vmm.devices.Pit8254;
import hvlab.vmm.devices.SerialPort;
import hvlab.vmm.interrupts.GuestEvent;
import hvlab.vmm.replay.Journal;
import hvlab.vmm.replay.JournalEvent;
import hvlab.vmm.replay.MachineFingerprint;
import hvlab.vmm.replay.ReplayPoint;
import hvlab.vmm.memory.GuestFault;
import hvlab.vmm.memory.GuestRam;
import hvlab.vmm.paging.CpuPaging;
import hvlab.vmm.paging.ShadowMmu;
import hvlab.vmm.paging.ShadowPageTables;
import hvlab.vmm.paravirt.HypercallTable;
import hvlab.vmm.state.CpuRegisters;
import hvlab.vmm.state.VmState;
import hvlab.vmm.trap.ExitRequest;
import hvlab.vmm.trap.GuestState;
import hvlab.vmm.trap.PrivilegedInstructions;
import hvlab.vmm.trap.TlbListener;
import hvlab.vmm.trap.TrapDispatcher;
import hvlab.vmm.trap.VmStop;

import java.time.Duration;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * One virtual machine: guest RAM, a CPU running the guest at CPL 3, the VMM region that holds the
 * real (shadow) GDT and TSS, the virtual CPU state, the devices, and the trap dispatcher that
 * ties them. Like a vCPU in Firecracker or KVM, a VM here is driven from outside:
 * {@link #boot()} powers it on, {@link #runSlice} runs the guest for one time slice and says how
 * that ended, {@link #requestStop()} (from any thread) ends the running slice at the next
 * instruction boundary, and between slices {@link #save()} captures the whole machine and
 * {@link #restore} takes a capture up again. {@link #run()} is the simple loop {@code hv run}
 * uses: boot, then slices until the guest ends.
 *
 * <p>Time: the VM's clock is virtual. By default it advances by the CPU time the guest gets,
 * and a halted guest skips straight to its next timer tick ({@link #run()}), so runs are fast
 * and repeatable. A host that runs VMs in real time drives the clock itself
 * ({@link #setClockDrivenExternally}, {@link #advanceClock}).
 */
public final class Vm implements AutoCloseable {
    /** How long the CPU runs, by default, before the VMM lets the timer tick and looks for interrupts to inject. */
    public static final Duration DEFAULT_SLICE = Duration.ofMillis(10);
    /** The shortest slice worth starting: below this, switching costs more than it runs. */
    private static final long MIN_SLICE_NANOS = 20_000;
    /**
     * The real CPU always runs with CR4.TSD set, so RDTSC traps and the guest reads the virtual
     * TSC; and with OSFXSR and OSXMMEXCPT, so SSE instructions run whatever the guest's virtual
     * CR4 says (Unicorn 2.0.1 only stored CR4 and kept SSE on; 2.1 obeys it, SDM vol. 3A 2.5).
     */
    private static final int REAL_CR4 = VirtualCpu.CR4_TSD | 1 << 9 | 1 << 10;
    /** Timer ticks a halted guest may sleep through (all masked) before we decide nothing will wake it. */
    private static final int MAX_IDLE_TICKS = 100_000;

    private final VmConfig config;
    private final GuestMemory memory;
    private final VmmRegion vmmRegion = new VmmRegion();
    private final CpuBackend cpu;
    private final GuestRam ram;
    private final Disassembler disassembler;
    private final VirtualCpu vcpu = new VirtualCpu();
    private final ConsoleLog consoleLog;
    private final ExitRequest exitRequest = new ExitRequest();
    /** Input for the guest from other threads (typed text, the power button), taken in between slices. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Runnable> fromOutside = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /**
     * Typed bytes the UART's 16-byte FIFO has no room for yet. A terminal honouring RTS/CTS flow
     * control waits while the receiver is full instead of overrunning it; so does this one, and a
     * line longer than the FIFO arrives whole, as the guest reads. Not machine state: a snapshot
     * does not keep it (what was typed is in the FIFO or not yet on the line).
     */
    private final java.util.concurrent.ConcurrentLinkedQueue<Integer> typeahead = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Whether the FIFO had room after the last slice: typeahead then waits for the next one. Set on the VM's thread. */
    private volatile boolean serialRoom = true;
    private final PcPlatform platform;
    private final TrapCounters counters = new TrapCounters();
    /** A sampled diary of the exits, for people to read (the UI's trap log). */
    private final TrapLog trapLog = new TrapLog();
    private volatile hvlab.cpu.TrapHandler trapHandler;
    private final TrapDispatcher dispatcher;
    private final BinaryTranslator translator;
    private final HypercallTable hypercalls;
    /** Shadow paging: the VMM's page tables the real MMU walks, and the software MMU that fills them. */
    private final ShadowPageTables shadowTables = new ShadowPageTables();
    private final ShadowMmu mmu;
    private final CpuPaging realPaging;
    private boolean booted;
    private boolean entered;
    private boolean waiting;
    private VmExit ended;
    private long virtualNanos;
    private boolean clockDrivenExternally;
    private boolean reinjectLostTicks;
    /** Timer interrupts (IRQ0) delivered to the guest, for {@link #setReinjectLostTicks}. */
    private long ticksDelivered;
    private Duration slice = DEFAULT_SLICE;
    /** A debugger is single-stepping: pending interrupts wait (see {@link #holdInterrupts}). */
    private volatile boolean interruptsHeld;
    /** Where the nondeterministic inputs go while the VM is recorded (null when it is not): see {@link #record}. */
    private Journal journal;

    /** @param console receives the guest's serial output byte by byte as it is written */
    public Vm(VmConfig config, IntConsumer console) {
        this(config, console, new ConsoleLog());
    }

    /**
     * @param console receives the guest's serial output byte by byte as it is written
     * @param log     keeps the output, with a bound
     */
    public Vm(VmConfig config, IntConsumer console, ConsoleLog log) {
        this.config = config;
        this.memory = new GuestMemory(config.memoryBytes());
        this.cpu = new UnicornBackend();
        this.ram = new GuestRam(memory, cpu);
        this.disassembler = new CapstoneDisassembler();
        this.consoleLog = log;
        this.platform = new PcPlatform(console, log, exitRequest::request, config.platform());
        if (config.platform().tpm() != null) {
            platform.attachTpm(config.platform().tpm(), ram);
        }
        if (config.platform().nic() != null) {
            platform.attachNic(config.platform().nic(), ram);
        }
        PrivilegedInstructions privileged = new PrivilegedInstructions(vcpu, this::loadShadowGdt);
        this.dispatcher = new TrapDispatcher(cpu, ram, disassembler, vcpu, vmmRegion.shadow(), privileged,
                platform.bus(), exitRequest, counters);
        setTrapHandler(dispatcher);
        dispatcher.setTrapLog(trapLog, this::virtualNanos);
        dispatcher.setInterruptPending(() -> platform.interrupts().hasPendingInterrupt());
        dispatcher.setDeviceMemory(platform.mmio());
        vcpu.setMirrorsInterruptFlag(config.mirrorInterruptFlag());
        this.translator = config.mode() == ExecutionMode.BT ? new BinaryTranslator(vcpu, disassembler) : null;
        dispatcher.setTranslator(translator);
        // Hypercalls exist only for guests that run paravirtualized (section IV.B.2 of the paper).
        this.hypercalls = config.mode() == ExecutionMode.PARAVIRT
                ? new HypercallTable(vcpu, config.memoryBytes(), this::loadShadowGdt, platform.serial()::transmit, this::virtualNanos)
                : null;
        dispatcher.setHypercallHandler(hypercalls != null ? hypercalls : HypercallTable.disabled());
        this.realPaging = new CpuPaging(cpu, memory);
        this.mmu = new ShadowMmu(vcpu, ram, shadowTables, realPaging);
        mmu.setDeviceFrames(platform.mmio()::claims);
        // RAM moves on the APIC machine (xv6's); the others keep section 10's scheme, which the
        // shadow-paging lecture teaches. HV_RAM_MOVES=1 puts every machine on RAM that moves
        // (DESIGN.md section 17: hvos's rootkit lecture runs on it since user data is aliased).
        // An emulator whose page walk takes the frame (Unicorn 2.1) needs neither: section 18.
        if (cpu.pageWalkTranslates() && System.getenv("HV_RAM_MOVES") == null) {
            mmu.setTranslated(true);
        } else {
            mmu.setRamMoves(config.platform().apic() || System.getenv("HV_RAM_MOVES") != null);
        }
        dispatcher.setMmu(mmu);
        privileged.setTlbListener(new TlbListener() {
            @Override
            public void cr3Loaded() {
                mmu.cr3Loaded();
            }

            @Override
            public void pageInvalidated(long linear) {
                mmu.pageInvalidated(linear);
            }
        });
    }

    /** The shadow MMU: its counters, its view of the guest's address spaces. */
    public ShadowMmu mmu() { return mmu; }

    public VmConfig config() { return config; }

    public VirtualCpu virtualCpu() { return vcpu; }

    /** Guest RAM, through the one door the VMM uses for everything it reads or writes for the guest. */
    public GuestRam ram() { return ram; }

    public TrapCounters counters() { return counters; }

    public TrapLog trapLog() { return trapLog; }

    public TrapDispatcher dispatcher() { return dispatcher; }

    /** The handler the CPU calls for every trap: the dispatcher, or something in front of it (a debugger, a watch). */
    public hvlab.cpu.TrapHandler trapHandler() { return trapHandler; }

    /** Puts {@code handler} where the CPU calls it (with the VM off every CPU). */
    public void setTrapHandler(hvlab.cpu.TrapHandler handler) {
        trapHandler = handler;
        cpu.setTrapHandler(handler);
    }

    public CpuBackend cpu() { return cpu; }

    public Disassembler disassembler() { return disassembler; }

    public PcPlatform platform() { return platform; }

    public ConsoleLog console() { return consoleLog; }

    /** The exit the VM ended with, or null while it can still run. */
    public VmExit exit() { return ended; }

    /** True while the guest is halted, waiting for an interrupt. */
    public boolean waitingForInterrupt() { return waiting; }

    /** Sets the time slice {@link #run()} uses: shorter slices preempt the guest more often. */
    public void setTimeSlice(Duration slice) {
        if (slice.isZero() || slice.isNegative()) {
            throw new IllegalArgumentException("a time slice must be positive");
        }
        this.slice = slice;
    }

    /** Virtual time since boot, in nanoseconds: what the guest's timer has seen. */
    public long virtualNanos() { return virtualNanos; }

    /**
     * From now on the VM's clock moves only by {@link #advanceClock}: a host that runs VMs in real
     * time advances each VM's clock by the real time that passed, whether the VM ran or waited.
     */
    public void setClockDrivenExternally(boolean external) {
        this.clockDrivenExternally = external;
    }

    /**
     * Timer ticks the guest could not take in time are delivered later instead of lost. On
     * hardware, PIT edges that arrive while IRQ0 is still pending merge into one, and a guest
     * that is slow to take them loses ticks. A guest under a VMM is slow exactly when it is
     * waiting for a CPU, and its clock then falls behind: the classic "lost ticks" problem of
     * virtualization. KVM's answer ({@code kvm-pit.lost_tick_policy=delay}) is to remember the
     * ticks and re-raise IRQ0 after each one is delivered; so does this, when enabled (a host that
     * shares CPUs between VMs enables it). At most {@link #MAX_TICK_BACKLOG} are kept.
     */
    public void setReinjectLostTicks(boolean reinject) {
        this.reinjectLostTicks = reinject;
        this.ticksDelivered = platform.pit().interruptsRaised();
    }

    private static final long MAX_TICK_BACKLOG = 100;

    /** Lets {@code nanos} of virtual time pass: the timer counts, interrupts become pending. */
    public void advanceClock(long nanos) {
        if (nanos <= 0) {
            return;
        }
        if (journal != null) {
            journal.record(new JournalEvent.ClockAdvanced(here(), nanos));
        }
        passTime(nanos);
    }

    private void passTime(long nanos) {
        virtualNanos += nanos;
        platform.advance(nanos);
        vcpu.msrs().advanceTsc(nanos);
    }

    /** Virtual nanoseconds until a device next raises an interrupt on its own, or {@link SliceResult#NEVER}. */
    public long nanosUntilNextEvent() {
        long next = platform.nanosUntilNextEvent();
        return next == Pit8254.NEVER ? SliceResult.NEVER : next;
    }

    /** Loads the image (flat at 1 MiB, or ELF and Multiboot as a boot loader would), maps RAM and the VMM region, and sets the entry state of the guest ABI. */
    public void boot() {
        if (booted) {
            throw new IllegalStateException("this VM is already powered on");
        }
        LoadPlan plan = config.loadPlan();
        for (ElfImage.Segment segment : plan.segments()) {
            ram.writeBytes(segment.address(), segment.fileBytes());
            zero(segment.address() + segment.fileBytes().length, segment.memorySize() - segment.fileBytes().length);
        }
        if (platform.tpm() != null) {
            // Measured launch of the guest: the vTPM records what will run before any of it runs.
            hvlab.vmm.tpm.VmLaunch.measure(platform.tpm().tpm(), config.image().name(), config.image().code(),
                    hvlab.vmm.tpm.VmLaunch.configuration(config.memoryBytes(), config.mode().label(),
                            config.platform().tpm().closedBox()));
        }
        if (config.platform().apic()) {
            hvlab.vmm.boot.MpTable.write(ram, config.memoryBytes()); // where an MP kernel (xv6's mp.c) searches for it
        }
        powerOnMachine();
        for (Register segment : new Register[] {Register.DS, Register.ES, Register.FS, Register.GS}) {
            cpu.write(segment, BootLayout.GUEST_KERNEL_DATA);
        }
        if (plan.multiboot()) {
            // The Multiboot hand-over (Multiboot 0.6.96, 3.2): EAX says who booted it, EBX where to read about the machine.
            ram.writeBytes(MultibootInfo.ADDRESS, MultibootInfo.build(config.memoryBytes(), config.image().name()));
            cpu.write(Register.EAX, MultibootInfo.BOOT_MAGIC);
            cpu.write(Register.EBX, (int) MultibootInfo.ADDRESS);
        } else {
            cpu.write(Register.EBX, (int) config.memoryBytes());
        }
        vmmRegion.prepareEntry(cpu, BootLayout.GUEST_KERNEL_CODE, plan.entry(), VmmRegion.GUEST_EFLAGS,
                BootLayout.GUEST_KERNEL_DATA, config.memoryBytes());
        vcpu.setInterruptsEnabled(false);
        vcpu.setPrivilegeLevel(0);
    }

    /** A segment's bss: the part of it in memory that the file does not hold starts as zeros. */
    private void zero(long from, long length) {
        byte[] zeros = new byte[(int) Math.min(length, 64 * 1024)];
        for (long done = 0; done < length; done += zeros.length) {
            ram.writeBytes(from + done, length - done >= zeros.length ? zeros : new byte[(int) (length - done)]);
        }
    }

    /** What boot and restore share: map memory, point the CPU at the VMM's tables, instrument bt. */
    private void powerOnMachine() {
        realPaging.identity(); // RAM at its own addresses; the shadow MMU moves it while the guest pages
        vmmRegion.map(cpu);
        // The shadow tables: in the machine's physical address space for the real MMU to walk,
        // but no shadow entry ever maps them, so the guest has no address that reaches them.
        cpu.map(ShadowPageTables.POOL, shadowTables.pool(), Protection.READ_WRITE);
        cpu.write(Register.CR4, REAL_CR4);
        for (hvlab.vmm.devices.MmioDevice device : platform.mmio().devices()) {
            cpu.mapDevice(device.base(), device.size()); // the APICs' pages: every access a trap to the device
        }
        if (platform.lapic() != null) {
            // but reads of the local APIC's ID, which xv6's mycpu() makes on every call: the CPU
            // answers them itself (APIC virtualization; DESIGN.md section 18)
            platform.lapic().onIdChange(id -> cpu.answerReads(hvlab.vmm.devices.LocalApic.BASE + 0x20, id));
        }
        // See every block of guest code as it is translated, at any linear address (a paging
        // kernel runs above its RAM: xv6 at 0x80100000): binary translation scans it before it
        // first runs, and in every mode the shadow MMU learns which frames hold code, so that a
        // store of the VMM's elsewhere costs no stop (paging/CodeFrames).
        cpu.watchTranslations(0, 1L << 32);
        booted = true;
    }

    /**
     * Runs the guest for at most {@code maxSlice} and says how the slice ended. Pending interrupts
     * are delivered first (if the guest's IF allows), and whenever one becomes deliverable during
     * the slice; the slice ends early at the timer's next tick, so a guest sees its timer on time.
     */
    public SliceResult runSlice(Duration maxSlice) {
        try {
            return runSliceFed(maxSlice);
        } finally {
            serialRoom = receiverReady() && platform.serial().bytesWaiting() < SerialPort.FIFO_DEPTH;
        }
    }

    private SliceResult runSliceFed(Duration maxSlice) {
        if (!booted) {
            throw new IllegalStateException("boot or restore the VM before running it");
        }
        if (ended != null) {
            return new SliceResult.Ended(0, ended);
        }
        for (Runnable action; (action = fromOutside.poll()) != null; ) {
            action.run();
        }
        feedTypeahead();
        VmExit requested = exitRequest.take();
        if (requested != null) {
            ended = requested;
            return new SliceResult.Ended(0, ended);
        }
        long started = System.nanoTime();
        long budget = Math.max(MIN_SLICE_NANOS, Math.min(maxSlice.toNanos(), nanosUntilNextEvent()));
        long deadline = started + budget;
        while (true) {
            if (waiting && !wakeIfInterrupted()) {
                return ended != null ? new SliceResult.Ended(elapsed(started), ended)
                        : new SliceResult.Halted(elapsed(started), vcpu.interruptsEnabled() ? nanosUntilNextEvent() : SliceResult.NEVER);
            }
            if (!waiting && !injectPendingInterrupt()) {
                return new SliceResult.Ended(elapsed(started), ended);
            }
            long left = deadline - System.nanoTime();
            if (left < MIN_SLICE_NANOS / 4) {
                return new SliceResult.Ran(elapsed(started));
            }
            long eip = entered ? Integer.toUnsignedLong(cpu.read(Register.EIP)) : BootLayout.TRAMPOLINE;
            dispatcher.beginRun();
            mmu.sync(); // the real MMU follows the guest's paging, privilege level and TLB flushes
            hvlab.vmm.trap.InterruptFlagMirror.sync(vcpu, cpu); // after any interrupt just delivered
            long runStarted = System.nanoTime();
            RunResult result = cpu.run(eip, Duration.ofNanos(left));
            long ran = System.nanoTime() - runStarted;
            noteEntered();
            applyInstrumentation();
            boolean goOn = handle(result);
            if (!clockDrivenExternally) {
                // After handle(): a recording notes the clock at the point the VMM has reached,
                // the point a replay stops at too (see hvlab.vmm.replay).
                advanceClock(ran);
            }
            if (ended == null) {
                VmExit broken = realStateBroken();
                if (broken != null) {
                    ended = broken;
                }
            }
            if (ended != null) {
                return new SliceResult.Ended(elapsed(started), ended);
            }
            if (result.cause() == RunResult.Cause.REQUESTED) {
                return new SliceResult.Stopped(elapsed(started));
            }
            if (!goOn) {
                injectPendingInterrupt();
                return ended != null ? new SliceResult.Ended(elapsed(started), ended) : new SliceResult.Ran(elapsed(started));
            }
        }
    }

    /** Entered once the CPU has left the VMM's trampoline, whatever mode the guest put it in. */
    private void noteEntered() {
        if (!entered && !(cpu.read(Register.CS) == BootLayout.VMM_CODE
                && Integer.toUnsignedLong(cpu.read(Register.EIP)) == BootLayout.TRAMPOLINE)) {
            entered = true;
        }
    }

    private static long elapsed(long since) {
        return System.nanoTime() - since;
    }

    /**
     * Acts on why the CPU stopped. True when the slice should go on (the stop was the VMM's own
     * business: an interrupt to deliver, code to instrument), false when its time is up.
     */
    private boolean handle(RunResult result) {
        switch (result.cause()) {
            case STOPPED -> {
                switch (result.reason()) {
                    case VmStop.End end -> ended = end.exit();
                    case VmStop.WaitForInterrupt w -> waiting = true;
                    case VmStop.Deliver deliver -> {
                        VmExit failed = dispatcher.deliver(deliver.event());
                        if (failed != null) ended = failed;
                    }
                    default -> { } // instrument, interrupt window: handled as the loop goes on
                }
                return true;
            }
            case CPU_ERROR -> {
                ended = new VmExit.CpuError(result.detail());
                return false;
            }
            default -> {
                return false;
            }
        }
    }

    /** Binary translation found new sites (or stale ones) in the code about to run: tell the CPU. */
    private void applyInstrumentation() {
        if (translator == null) {
            return;
        }
        BinaryTranslator.Instrumentation pending = translator.takeInstrumentation();
        for (long eip : pending.unwatch()) {
            cpu.unwatchInstruction(eip);
        }
        for (long eip : pending.watch()) {
            cpu.watchInstruction(eip);
            if (mmu.pagingEnabled()) {
                // The CPU dropped the block at eip by linear address, which Unicorn 2.0.1 finds only
                // through the real page tables; drop it where the emulator shows its frame too.
                mmu.dropTranslationsAt(eip, at -> cpu.invalidateTranslations(at, 1));
            }
        }
    }

    /**
     * The VMM's own invariants, checked after every slice rather than trusted: the guest runs at
     * real CPL 3, with IOPL 0 and not in virtual-8086 mode, on the VMM's GDT and TSS. Returns the
     * first one broken, or null.
     */
    private VmExit realStateBroken() {
        if (!entered) {
            return null;
        }
        // The flags first: in virtual-8086 mode CS is not a selector, and its low bits mean nothing.
        int flags = cpu.read(Register.EFLAGS);
        VmExit byFlags = hvlab.vmm.trap.RealFlags.broken(flags, Integer.toUnsignedLong(cpu.read(Register.EIP)),
                vcpu.privilegeLevel() == 0);
        if (byFlags != null) {
            return byFlags;
        }
        int cs = cpu.read(Register.CS);
        if ((cs & 3) != 3) {
            return new VmExit.CpuError(String.format("containment: the guest reached real CPL %d (CS %#x)", cs & 3, cs));
        }
        if (cpu.read(hvlab.cpu.TableRegister.GDTR).base() != BootLayout.GDT_BASE
                || cpu.read(hvlab.cpu.TableRegister.TR).base() != BootLayout.TSS) {
            return new VmExit.CpuError("containment: the real GDTR or TR no longer names the VMM's tables");
        }
        return null;
    }

    /** Wakes a halted guest if an interrupt is pending and IF allows it; false if it sleeps on. */
    private boolean wakeIfInterrupted() {
        if (!interruptsHeld && vcpu.interruptsEnabled() && platform.interrupts().hasPendingInterrupt()) {
            waiting = false;
            return injectPendingInterrupt();
        }
        return false;
    }

    /** The CPU's INTR pin, sampled at an instruction boundary: deliver if the guest's IF allows. False if the VM ended. */
    private boolean injectPendingInterrupt() {
        if (entered && !interruptsHeld && vcpu.interruptsEnabled() && platform.interrupts().hasPendingInterrupt()) {
            int vector = platform.interrupts().acknowledge();
            if (journal != null) {
                journal.record(new JournalEvent.InterruptDelivered(here(), vector, MachineFingerprint.registersOf(cpu)));
            }
            return deliverAcknowledged(vector);
        }
        return true;
    }

    /** The second half of taking an interrupt, once the controller has named its vector. */
    private boolean deliverAcknowledged(int vector) {
        if (reinjectLostTicks && vector == platform.pic().master().vector(0)) {
            reinjectTick();
        }
        VmExit failed = dispatcher.deliver(GuestEvent.external(vector, Integer.toUnsignedLong(cpu.read(Register.EIP))));
        if (failed != null) {
            ended = failed;
            return false;
        }
        return true;
    }

    /**
     * Hands something from outside to the machine: it happens on the VM's own thread, between
     * two slices, so devices are only ever touched by one thread. Safe from any thread.
     */
    public void fromOutside(Runnable action) {
        fromOutside.add(action);
    }

    /**
     * True while something handed in from outside waits for the next slice. A host must not put
     * a halted VM to sleep while this holds: the input may be the very interrupt it waits for.
     */
    public boolean hasWorkFromOutside() {
        return !fromOutside.isEmpty() || (serialRoom && !typeahead.isEmpty());
    }

    /** Moves typed bytes into the receive FIFO while it has room (on the VM's thread, between slices). */
    private void feedTypeahead() {
        SerialPort serial = platform.serial();
        java.io.ByteArrayOutputStream fed = journal == null ? null : new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream fedAll = new java.io.ByteArrayOutputStream();
        while (receiverReady() && serial.bytesWaiting() < SerialPort.FIFO_DEPTH && !typeahead.isEmpty()) {
            Integer b = typeahead.poll();
            if (b != null) {
                serial.receive(b);
                fedAll.write(b);
                if (fed != null) fed.write(b);
            }
        }
        if (fed != null && fed.size() > 0) {
            journal.record(new JournalEvent.SerialInput(here(), fed.toByteArray())); // what reached the guest, and where
        }
        if (fedAll.size() > 0) {
            platform.alsoOnKeyboard(fedAll.toByteArray());
        }
        serialRoom = receiverReady() && serial.bytesWaiting() < SerialPort.FIFO_DEPTH;
    }

    /**
     * May typed text go to the guest now? Once its serial driver listens (SerialPort.listening);
     * on a machine that also types on its PS/2 keyboard, at once, as before: a guest may read
     * only the keyboard.
     */
    private boolean receiverReady() {
        return platform.serial().listening() || config.platform().typeOnKeyboard();
    }

    /** Types {@code bytes} into the guest's serial port (COM1's receiver). Any thread. */
    public void sendInput(byte[] bytes) {
        for (byte b : bytes) typeahead.add(b & 0xFF);
    }

    /** Presses the power button (ACPI-style: the guest decides what to do about it). Any thread. */
    public void pressPowerButton() {
        fromOutside(() -> {
            if (journal != null) {
                journal.record(new JournalEvent.PowerButton(here()));
            }
            platform.pressPowerButton();
        });
    }

    /** One tick is being delivered: if more edges came than were delivered, latch the next one now. */
    private void reinjectTick() {
        long raised = platform.pit().interruptsRaised();
        ticksDelivered = Math.max(ticksDelivered + 1, raised - MAX_TICK_BACKLOG);
        if (raised > ticksDelivered) {
            platform.pic().lowerIrq(0);
            platform.pic().raiseIrq(0);
        }
    }

    /** Asks the running slice to end at the next instruction boundary (or the next slice not to start). Any thread. */
    public void requestStop() {
        cpu.requestStop();
    }

    /** Boots the guest and runs it to its end: {@code hv run}. */
    public VmResult run() {
        long started = System.nanoTime();
        boot();
        long deadline = config.timeout().isZero() ? Long.MAX_VALUE : started + config.timeout().toNanos();
        VmExit exit = null;
        try (Watchdog watchdog = new Watchdog(deadline, this::requestStop)) {
            while (exit == null) {
                if (System.nanoTime() >= deadline) {
                    exit = new VmExit.Timeout(config.timeout().toMillis());
                    break;
                }
                switch (runSlice(slice)) {
                    case SliceResult.Ended end -> exit = end.exit();
                    case SliceResult.Halted halted -> exit = skipIdleTime();
                    case SliceResult.Ran ran -> { }
                    case SliceResult.Stopped stopped -> { }
                }
            }
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        return result(exit, millis);
    }

    /** What {@code hv run} reports about a VM that ended with {@code exit} after {@code millis}. */
    public VmResult result(VmExit exit, long millis) {
        return new VmResult(config.image().name(), config.mode(), exit, consoleLog.text(), counters.byLabel(),
                platform.bus().unclaimedReads(), platform.bus().unclaimedWrites(), translatedSites(), millis,
                consoleLog.dropped());
    }

    /**
     * HLT with interrupts enabled, when the VM runs on virtual time ({@code hv run}): nothing
     * runs until the next interrupt, so instead of waiting in real time the VMM skips virtual
     * time straight to the timer's next tick. An idle guest costs nothing, and the tick it sees
     * is the same on every run. Returns the VM's end if nothing will ever wake it, else null.
     */
    public VmExit skipIdleTime() {
        for (int ticks = 0; vcpu.interruptsEnabled() && !platform.interrupts().hasPendingInterrupt(); ticks++) {
            long next = nanosUntilNextEvent();
            if (next == SliceResult.NEVER || ticks >= MAX_IDLE_TICKS) {
                break;
            }
            advanceClock(next);
        }
        if (!vcpu.interruptsEnabled() || !platform.interrupts().hasPendingInterrupt()) {
            return new VmExit.Halt(Integer.toUnsignedLong(cpu.read(Register.EIP)) - 1); // nothing will wake it
        }
        return null;
    }

    /** The guest loaded a GDT (by LGDT or hypercall): rebuild the real GDT as its shadow. */
    private void loadShadowGdt(long base, int limit) {
        vmmRegion.shadow().load(base, limit, this::readGuestDescriptor);
    }

    private long readGuestDescriptor(long address) {
        try {
            GuestState state = dispatcher.guestState(); // the GDT's base is linear: through the guest's page tables
            return Integer.toUnsignedLong(state.read(address, 4)) | ((long) state.read(address + 4, 4) << 32);
        } catch (GuestFault unreadable) {
            return 0;
        }
    }

    /** How many sensitive instructions binary translation instruments (0 in other modes). */
    public int translatedSites() {
        return translator == null ? 0 : translator.sites().size();
    }

    /**
     * While held, the VMM delivers no interrupt: they stay pending at the controller. A debugger
     * holds them for a single step, as QEMU's gdbstub does by default, so that a step goes to the
     * next instruction of the code being debugged, not into whatever handler was due.
     */
    public void holdInterrupts(boolean held) {
        this.interruptsHeld = held;
    }

    /** The binary translator of a bt-mode VM (null in the other modes): the CPU watches its sites. */
    public BinaryTranslator translator() {
        return translator;
    }

    /** The hypercall table of a paravirtual VM (null in the other modes). */
    public HypercallTable hypercalls() {
        return hypercalls;
    }

    /**
     * Checks the VMM's own memory against what the VMM put there; null when intact. Tests and the
     * fuzzer call this after running hostile guests.
     */
    public String vmmRegionProblem() {
        return vmmRegion.integrityProblem();
    }

    // ---- Deterministic record and replay (ReVirt; DESIGN.md section 14) -------------------------

    /**
     * Records from now on every input to this VM that does not follow from its own code: the
     * clock's advances, each external interrupt with the exact point it was delivered, serial
     * input and the power button ({@link JournalEvent}). Call before {@link #boot()}: a replay
     * starts from a fresh boot. Input the journal cannot hold yet (frames from the network, the
     * vTPM's answers) ends the recording, truncated, where it first reaches the guest.
     */
    public void record(Journal journal) {
        if (booted) {
            throw new IllegalStateException("recording starts at power-on: call record before boot");
        }
        // Inputs not journaled yet end the recording where they first reach the guest: what was
        // recorded up to there still replays exactly.
        if (platform.nic() != null) {
            platform.nic().onInput(() -> truncateRecording("a frame arrived from the network, and network input is not journaled yet"));
        }
        if (platform.tpm() != null) {
            platform.tpm().onCommand(() -> truncateRecording(
                    "the guest used its vTPM, whose answers (random numbers, signatures) are not journaled yet"));
        }
        this.journal = journal;
    }

    /** The journal this VM records into, or null. */
    public Journal journal() {
        return journal;
    }

    /** Ends the recording here with a fingerprint of the machine to replay against; between slices. */
    public void stopRecording(String why) {
        Journal j = journal;
        if (j != null) {
            journal = null;
            j.record(new JournalEvent.Ended(here(), fingerprint(), why));
        }
    }

    /** Ends the recording without an end state: from here on the run is not reproducible. Any moment. */
    private void truncateRecording(String why) {
        Journal j = journal;
        if (j != null) {
            journal = null;
            j.record(new JournalEvent.Truncated(here(), why));
        }
    }

    /** The exact point the guest's execution has reached: blocks run so far and EIP. Between slices. */
    public ReplayPoint here() {
        return new ReplayPoint(cpu.blocksRun(), Integer.toUnsignedLong(cpu.read(Register.EIP)));
    }

    /** Registers, RAM and serial output, hashed: what a replay must reproduce. Between slices. */
    public MachineFingerprint fingerprint() {
        return MachineFingerprint.of(cpu, ram, consoleLog.text());
    }

    /** How {@link #runTo} ended. */
    public enum RunToOutcome {
        /** The guest is exactly at the point asked for. */
        REACHED,
        /** The guest ended (or broke the VMM's invariants) first: {@link #exit()} says how. */
        ENDED,
        /** The guest halted, waiting for an interrupt, before the point: only an event can go on from here. */
        HALTED,
        /** The guest ran past the point without ever being exactly at it: the replay has diverged. */
        MISSED
    }

    /**
     * Replay: runs the guest, without any time limit and without delivering interrupts or moving
     * the clock on its own, until it is exactly at {@code target}. The CPU stops by its block
     * count (see {@link CpuBackend#stopAtBlocksRun}); traps on the way are handled as always,
     * because they follow from the guest's code.
     */
    public RunToOutcome runTo(ReplayPoint target) {
        if (!booted) {
            throw new IllegalStateException("boot the VM before replaying into it");
        }
        while (true) {
            if (ended != null) return RunToOutcome.ENDED;
            if (here().equals(target)) return RunToOutcome.REACHED;
            if (cpu.blocksRun() > target.blocks()) return RunToOutcome.MISSED;
            if (waiting) return RunToOutcome.HALTED;
            long eip = entered ? Integer.toUnsignedLong(cpu.read(Register.EIP)) : BootLayout.TRAMPOLINE;
            dispatcher.beginRun();
            mmu.sync();
            cpu.stopAtBlocksRun(target.blocks());
            RunResult result;
            try {
                result = cpu.run(eip, Duration.ZERO);
            } finally {
                cpu.stopAtBlocksRun(-1);
            }
            noteEntered();
            applyInstrumentation();
            handle(result);
            if (ended == null) {
                ended = realStateBroken();
            }
            if (result.cause() == RunResult.Cause.REQUESTED) {
                return RunToOutcome.MISSED; // someone stopped the replay from outside
            }
            if (result.cause() == RunResult.Cause.SLICE_ENDED && cpu.blocksRun() == target.blocks()
                    && ended == null && !here().equals(target)) {
                return RunToOutcome.MISSED; // at the count, but somewhere else
            }
        }
    }

    /** Replay of {@link JournalEvent.ClockAdvanced}: time passes, and nothing is recorded. */
    public void replayClock(long nanos) {
        passTime(nanos);
    }

    /**
     * Replay of {@link JournalEvent.InterruptDelivered}: the controller must have this very vector
     * pending and the guest must accept interrupts, as in the recording; null when delivered,
     * else what differs.
     */
    public String replayInterrupt(int vector) {
        if (!vcpu.interruptsEnabled()) {
            return "the guest has interrupts disabled";
        }
        if (!platform.interrupts().hasPendingInterrupt()) {
            return "no interrupt is pending at the controller";
        }
        int pending = platform.interrupts().acknowledge();
        if (pending != vector) {
            return String.format("the controller delivers vector %#x, the recording %#x", pending, vector);
        }
        waiting = false;
        deliverAcknowledged(vector);
        return null;
    }

    /** Replay of {@link JournalEvent.SerialInput}. */
    public void replayInput(byte[] bytes) {
        platform.receive(bytes.clone());
    }

    /** Replay of {@link JournalEvent.PowerButton}. */
    public void replayPowerButton() {
        platform.pressPowerButton();
    }

    /** The whole machine, as plain data; call between slices. Guest RAM is referenced, not copied. */
    public VmState save() {
        if (!booted) {
            throw new IllegalStateException("a VM that was never powered on has no state to save");
        }
        CpuRegisters registers = CpuRegisters.read(cpu);
        if (!entered) {
            long[] entry = vmmRegion.pendingEntry();
            registers = registers.with(java.util.Map.of(Register.CS, (int) entry[0], Register.EIP, (int) entry[1],
                    Register.EFLAGS, (int) entry[2], Register.SS, (int) entry[3], Register.ESP, (int) entry[4]));
        }
        List<Long> watched = translator == null ? List.of() : translator.watchedAddresses();
        return new VmState(registers, vcpu.save(), vmmRegion.shadow().save(), platform.save(), memory, entered, watched,
                waiting, virtualNanos, consoleLog.contents(), counters.byLabel());
    }

    /**
     * Takes up a saved machine: into this VM, which must be of the same configuration and not yet
     * booted (restoring into the VM the state came from works too, between slices). The guest
     * resumes exactly where it was when saved.
     */
    public void restore(VmState state) {
        if (journal != null) {
            stopRecording("the VM was restored from a saved state, which a recording cannot replay");
        }
        if (state.ram().size() != memory.size()) {
            throw new IllegalArgumentException("the saved VM has " + (state.ram().size() >> 20) + " MiB of RAM, this one "
                    + (memory.size() >> 20) + " MiB");
        }
        if (!booted) {
            powerOnMachine();
        }
        if (state.ram() != memory) {
            java.lang.foreign.MemorySegment.copy(state.ram().segment(), 0, memory.segment(), 0, memory.size());
            cpu.invalidateTranslations(0, memory.size());
        }
        vmmRegion.shadow().restore(state.shadow());
        vcpu.restore(state.vcpu());
        mmu.reset();
        platform.restore(state.devices());
        // The PIT comes back with the count of edges it had raised; the ticks delivered must come
        // back in step, or lost-tick reinjection takes them all for lost and fires them at once.
        ticksDelivered = platform.pit().interruptsRaised();
        counters.restore(state.counters());
        consoleLog.restore(state.console());
        virtualNanos = state.virtualNanos();
        waiting = state.waiting();
        ended = null;
        CpuRegisters r = state.cpu();
        for (Register register : new Register[] {Register.EAX, Register.ECX, Register.EDX, Register.EBX,
                Register.EBP, Register.ESI, Register.EDI}) {
            cpu.write(register, r.get(register));
        }
        for (Register segment : new Register[] {Register.DS, Register.ES, Register.FS, Register.GS}) {
            cpu.write(segment, r.get(segment));
        }
        cpu.writeFpu(r.fpu());
        // Back to real CPL 0 at the trampoline, whose IRET enters the guest where it was.
        vmmRegion.prepareEntry(cpu, r.get(Register.CS), Integer.toUnsignedLong(r.get(Register.EIP)), r.get(Register.EFLAGS),
                r.get(Register.SS), Integer.toUnsignedLong(r.get(Register.ESP)));
        entered = false;
        if (translator != null) {
            for (long eip : state.watched()) {
                if (ram.contains(eip, 1)) {
                    if (translator.rememberSite(ram.readBytes(eip, (int) Math.min(15, memory.size() - eip)), eip)) {
                        cpu.watchInstruction(eip);
                    }
                }
            }
        }
    }

    /**
     * Takes up a saved machine whose RAM is kept elsewhere as pages (a snapshot, a saved state):
     * {@code decodeOverRam} is given this VM's own RAM, writes the saved pages into it and returns
     * the machine decoded over it. One pass of the pages into RAM, and no second copy of all of it.
     * As {@link #restore(VmState)} otherwise.
     */
    public void restore(java.util.function.Function<GuestMemory, VmState> decodeOverRam) {
        VmState state = decodeOverRam.apply(memory);
        if (state.ram() != memory) {
            throw new IllegalArgumentException("the state must be decoded over the RAM it was given");
        }
        if (booted) {
            cpu.invalidateTranslations(0, memory.size()); // the CPU does not notice the VMM's stores
        }
        restore(state);
    }

    /** Device reads the CPU answered itself, with no exit (APIC virtualization); kept once the VM is closed. */
    public long readsAnswered() {
        try {
            return closed ? answeredWhenClosed : cpu.readsAnswered();
        } catch (IllegalStateException closing) { // another thread closed it just now
            return answeredWhenClosed;
        }
    }

    private volatile boolean closed;
    private long answeredWhenClosed;

    @Override
    public void close() {
        answeredWhenClosed = readsAnswered();
        closed = true;
        cpu.close();
        disassembler.close();
        vmmRegion.close();
        shadowTables.close();
        realPaging.close();
        platform.close();
        memory.close();
    }
}
