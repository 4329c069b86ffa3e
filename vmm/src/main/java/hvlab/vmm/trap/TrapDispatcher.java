package hvlab.vmm.trap;

import hvlab.cpu.CpuBackend;
import hvlab.cpu.CpuException;
import hvlab.cpu.Disassembler;
import hvlab.cpu.Instruction;
import hvlab.cpu.Register;
import hvlab.cpu.Trap;
import hvlab.cpu.TrapHandler;
import hvlab.cpu.TrapOutcome;
import hvlab.vmm.ExceptionNames;
import hvlab.vmm.TrapCounters;
import hvlab.vmm.TrapKind;
import hvlab.vmm.TrapLog;
import hvlab.vmm.VirtualCpu;
import hvlab.vmm.VmExit;
import hvlab.vmm.boot.BootLayout;
import hvlab.vmm.boot.ShadowGdt;
import hvlab.vmm.bt.BinaryTranslator;
import hvlab.vmm.devices.IoBus;
import hvlab.vmm.devices.MmioBus;
import hvlab.vmm.interrupts.GuestEvent;
import hvlab.vmm.interrupts.InterruptDelivery;
import hvlab.vmm.interrupts.IretEmulation;
import hvlab.vmm.interrupts.StackSegmentLoad;
import hvlab.vmm.memory.GuestFault;
import hvlab.vmm.memory.GuestRam;
import hvlab.vmm.paging.ShadowFault;
import hvlab.vmm.paging.ShadowMmu;
import hvlab.vmm.paravirt.Hypercalls;

import java.util.function.Supplier;

/**
 * The VMM's exit handler: every {@link Trap} the CPU raises comes here, is counted, and is turned
 * into an effect on the virtual machine, much as a hardware VMM's VM-exit handler switches on the
 * exit reason (Intel SDM Vol. 3C, 27 "VM exits"). It is a function from a trap to an outcome:
 * the guest goes on (the VMM emulated what it did, or reflected an exception into its IDT), or
 * the CPU stops with a {@link VmStop} that says why.
 *
 * <p>Containment rules every path follows (paper, IV.C.2):
 * <ul>
 *   <li>guest memory is touched only through {@link GuestRam}; an access the guest's hardware
 *       would refuse becomes that exception ({@link GuestFault}), an address outside RAM ends
 *       the VM;</li>
 *   <li>port I/O is checked against the guest's IOPL and TSS bitmap before a device sees it;</li>
 *   <li>after every trap the real EFLAGS must still have VM clear and IOPL 0 ({@link RealFlags}):
 *       the VMM re-asserts its invariants instead of trusting the emulator.</li>
 * </ul>
 */
public final class TrapDispatcher implements TrapHandler {
    private static final int SEGMENT_NOT_PRESENT = 11;
    private static final int PAGE_FAULT = 14;
    /** How far past a block's start to look for the instruction a mid-block trap came from. */
    private static final int BLOCK_SEARCH_BYTES = 512;
    private static final byte IRETD = (byte) 0xCF;

    private final CpuBackend cpu;
    private final GuestRam ram;
    private final GuestState state;
    private final InstructionCache instructions;
    /** The trampoline's one instruction, decoded once: it is not in guest RAM, where the cache reads. */
    private final Instruction trampolineIret;
    private final VirtualCpu vcpu;
    private final ShadowGdt shadow;
    private final PrivilegedInstructions privileged;
    private final IretEmulation iret;
    private final InterruptDelivery delivery;
    private final StackSegmentLoad stackSegmentLoad;
    private final IoBus io;
    private final IoPermission ioPermission;
    private final PortIoInstructions portIo;
    /** Device memory (the APICs' pages): loads and stores the CPU could not finish in RAM. */
    private MmioBus mmio = new MmioBus();
    private final ExitRequest exitRequest;
    private final VirtualCpuid cpuid = new VirtualCpuid();
    private final TrapCounters counters;
    /** The trap log's writer, or null when nobody keeps one. */
    private TrapDiary diary;
    private HypercallHandler hypercalls = (state, next) -> {
        state.setRegister(Register.EAX, Hypercalls.ENOSYS);
        return new Emulation.Resume(next);
    };
    private BinaryTranslator translator;
    /** The shadow MMU, once the VM has one: page faults go to it, and it sets the real paging registers after each trap. */
    private ShadowMmu mmu;
    /** Is an interrupt pending at the controller (the CPU's INTR pin)? */
    private java.util.function.BooleanSupplier interruptPending = () -> false;
    /** The trap being handled is STI, whose effect starts only after the next instruction. */
    private boolean interruptShadow;
    /** Set once a trap ended the VM: the rest of the block still runs, and its traps change nothing. */
    private boolean ended;

    public TrapDispatcher(CpuBackend cpu, GuestRam ram, Disassembler disassembler, VirtualCpu vcpu, ShadowGdt shadow,
                          PrivilegedInstructions privileged, IoBus io, ExitRequest exitRequest, TrapCounters counters) {
        this.cpu = cpu;
        this.ram = ram;
        this.state = new CpuGuestState(cpu, ram, shadow);
        this.instructions = new InstructionCache(ram, disassembler);
        this.trampolineIret = disassembler.decode(new byte[] {IRETD}, BootLayout.TRAMPOLINE);
        this.vcpu = vcpu;
        this.shadow = shadow;
        this.privileged = privileged;
        this.iret = new IretEmulation(vcpu, shadow);
        this.delivery = new InterruptDelivery(vcpu, shadow);
        this.stackSegmentLoad = new StackSegmentLoad(vcpu, shadow);
        this.io = io;
        this.ioPermission = new IoPermission(vcpu);
        this.portIo = new PortIoInstructions(vcpu, io);
        this.exitRequest = exitRequest;
        this.counters = counters;
    }

    public void setHypercallHandler(HypercallHandler handler) {
        this.hypercalls = handler;
    }

    /** The CPU's INTR pin: asked after each trap, so an interrupt that became deliverable is not kept waiting. */
    public void setInterruptPending(java.util.function.BooleanSupplier pending) {
        this.interruptPending = pending;
    }

    /** The devices in the physical address space, whose pages the CPU maps as device memory. */
    public void setDeviceMemory(MmioBus mmio) {
        this.mmio = mmio;
    }

    /** Binary translation (bt mode): the translator whose sites the CPU watches. */
    public void setTranslator(BinaryTranslator translator) {
        this.translator = translator;
    }

    /** Memory virtualization: the shadow MMU that real page faults go to. */
    public void setMmu(ShadowMmu mmu) {
        this.mmu = mmu;
        ((CpuGuestState) state).setMmu(mmu);
        instructions.setMmu(mmu);
    }

    public GuestState guestState() {
        return state;
    }

    /** A new run of the CPU begins. */
    public void beginRun() {
        ended = false;
    }

    /**
     * Delivers an interrupt or exception to the guest now (the CPU must be stopped, or inside a
     * trap). Returns null when the guest's handler is about to run, else why the VM must end.
     */
    public VmExit deliver(GuestEvent event) {
        VmExit failed = delivery.deliver(event, state);
        flushWrites();
        if (failed == null) {
            counters.count(TrapKind.INTERRUPT);
        }
        if (diary != null) {
            diary.afterDelivery(event, failed);
        }
        return failed;
    }

    /** Set HV_TRACE=1 to see every trap on stderr: the VMM's view of the guest, one line each. */
    private static final boolean TRACE = System.getenv("HV_TRACE") != null;

    @Override
    public TrapOutcome onTrap(Trap trap) {
        if (ended) {
            return TrapOutcome.STOP;
        }
        if (trap instanceof Trap.BlockTranslated block && translator == null) {
            // Not a trap of the guest's: the emulator telling the shadow MMU where code is. It
            // leaves the interrupt shadow, the counters and the trap log as they were.
            if (mmu == null) return TrapOutcome.CONTINUE;
            mmu.codeTranslated(block.address(), block.size());
            return mmu.realCpuBehind() ? TrapOutcome.stop(VmStop.PAGING_MODE) : TrapOutcome.CONTINUE; // code in an aliased frame
        }
        if (TRACE) {
            System.err.printf("[trap] %s vcpl=%d if=%b esp=%08x eflags=%08x%n", trap, vcpu.privilegeLevel(), vcpu.interruptsEnabled(),
                    cpu.read(Register.ESP), cpu.read(Register.EFLAGS));
        }
        TrapOutcome outcome;
        interruptShadow = false;
        counters.forgetLast();
        try {
            VmExit broken = RealFlags.readableIn(trap) ? realFlagsBroken() : null;
            outcome = broken != null ? end(broken) : dispatch(trap);
        } catch (GuestFault.OutsideRam e) {
            outcome = end(new VmExit.MemoryFault(e.access().verb(), e.address(), Integer.toUnsignedLong(cpu.read(Register.EIP)), true));
        } catch (CpuException e) {
            // The emulator refused a state the VMM gave it (a segment register it would not
            // load): a VMM bug, never the guest's doing. End this VM plainly rather than let
            // the exception leave the hook half way through an emulation.
            if (TRACE) {
                e.printStackTrace();
            }
            outcome = end(new VmExit.CpuError("the emulator refused the VMM's emulation of a trap: " + e.getMessage()));
        }
        flushWrites();
        if (!ended && RealFlags.readableIn(trap)) {
            InterruptFlagMirror.sync(vcpu, cpu);
        }
        if (mmu != null && !ended && mmu.realCpuBehind() && !mmu.enterKernelView() && !(outcome instanceof TrapOutcome.Stop)) {
            // A new privilege level, CR3 or paging mode must reach the real MMU before the next
            // instruction, and that can only be done with the CPU stopped (ShadowMmu.sync).
            outcome = TrapOutcome.stop(VmStop.PAGING_MODE);
        }
        TrapOutcome answer = withInterruptWindow(outcome);
        if (diary != null) {
            diary.afterTrap(trap, answer, counters.last());
        }
        return answer;
    }

    /**
     * Tells the CPU about guest code the VMM overwrote. With the guest paging, the shadow MMU
     * drops it where the emulator shows those frames, with the CPU stopped (a stop that the
     * recheck after a trap makes): Unicorn 2.0.1 could only drop all of it from inside the trap.
     */
    private void flushWrites() {
        if (mmu != null && mmu.pagingEnabled()) {
            ram.flushWrites(mmu::codeWritten);
        } else {
            ram.flushWrites();
        }
    }

    /** Where the trap log writes, and the clock its records carry (the VM's virtual time). */
    public void setTrapLog(TrapLog log, java.util.function.LongSupplier virtualNanos) {
        this.diary = new TrapDiary(log, virtualNanos, instructions, cpu);
    }

    /**
     * A real CPU samples its INTR pin at every instruction boundary. When this trap left an
     * interrupt pending with the guest's IF set (an EOI, a device), stop at the next boundary to
     * deliver it. When this very trap set IF (STI), after one more block: the instruction after
     * STI runs first, the "interrupt shadow" that makes {@code sti; hlt} wait for an interrupt
     * instead of missing it (SDM Vol. 2, STI).
     */
    private TrapOutcome withInterruptWindow(TrapOutcome outcome) {
        if (!vcpu.interruptsEnabled() || !interruptPending.getAsBoolean()) {
            return outcome;
        }
        if (interruptShadow) {
            // After STI: the next instruction runs first, then the interrupt is taken. Stop after
            // the block the guest resumes in. Waiting for the guest's next trap was not enough:
            // with PUSHF running natively (the mirrored IF) xv6's scheduler goes from STI to the
            // CLI of its next lock without a trap in between, and a disk interrupt waited for
            // the end of the slice.
            return outcome instanceof TrapOutcome.Continue ? new TrapOutcome.ContinueWith(0, VmStop.INTERRUPT_WINDOW) : outcome;
        }
        return switch (outcome) {
            case TrapOutcome.Continue c -> TrapOutcome.stop(VmStop.INTERRUPT_WINDOW);
            case TrapOutcome.ContinueWith with when with.thenStop() == null ->
                    new TrapOutcome.ContinueWith(with.value(), VmStop.INTERRUPT_WINDOW);
            default -> outcome;
        };
    }

    private TrapOutcome dispatch(Trap trap) {
        return switch (trap) {
            case Trap.PortIn in -> portInFromHook(in);
            case Trap.PortOut out -> portOutFromHook(out);
            case Trap.MmioRead load -> {
                counters.count(TrapKind.MMIO);
                int value = mmio.read(load.address(), load.size());
                TrapOutcome after = afterDevices(TrapOutcome.CONTINUE);
                yield after instanceof TrapOutcome.Stop ? after : TrapOutcome.value(value);
            }
            case Trap.MmioWrite store -> {
                counters.count(TrapKind.MMIO);
                mmio.write(store.address(), store.size(), store.value());
                yield afterDevices(TrapOutcome.CONTINUE);
            }
            case Trap.Fault fault when fault.vector() == ExceptionNames.GENERAL_PROTECTION
                    || fault.vector() == SEGMENT_NOT_PRESENT -> protectionFault(fault);
            case Trap.Fault fault when fault.vector() == PAGE_FAULT && mmu != null -> pageFault(fault);
            case Trap.Fault fault -> reflect(GuestEvent.exception(fault.vector(), fault.errorCode(), fault.eip()), TrapKind.FAULT);
            case Trap.SoftwareInterrupt soft when soft.vector() == Hypercalls.VECTOR -> {
                counters.count(TrapKind.HYPERCALL);
                long at = softwareInterruptAddress(soft);
                yield afterDevices(apply(at, () -> hypercalls.call(state, soft.nextEip())));
            }
            case Trap.SoftwareInterrupt soft ->
                    reflect(GuestEvent.software(soft.vector(), soft.nextEip(), softwareInterruptAddress(soft)), null);
            case Trap.Cpuid c -> {
                counters.count(TrapKind.CPUID);
                int[] answer = cpuid.answer(cpu.read(Register.EAX), cpu.read(Register.ECX));
                cpu.write(Register.EAX, answer[0]);
                cpu.write(Register.EBX, answer[1]);
                cpu.write(Register.ECX, answer[2]);
                cpu.write(Register.EDX, answer[3]);
                yield TrapOutcome.CONTINUE;
            }
            case Trap.InvalidOpcode invalid ->
                    reflect(GuestEvent.exception(ExceptionNames.INVALID_OPCODE, 0, invalid.eip()), TrapKind.FAULT);
            case Trap.FastSystemCall call -> fastSystemCall(call);
            case Trap.MemoryFault fault when fault.unmapped() && mmu != null && mmu.onUnmappedAccess(fault.address()) ->
                    TrapOutcome.CONTINUE; // a linear page above RAM, backed now: the access goes on to the page walk
            case Trap.MemoryFault fault -> {
                counters.count(TrapKind.FAULT);
                yield end(new VmExit.MemoryFault(fault.access().verb(), fault.address(), fault.eip(), fault.unmapped()));
            }
            case Trap.WatchedInstruction w -> watched(w.eip());
            case Trap.BlockTranslated block -> translated(block);
        };
    }

    /**
     * Port input in the middle of a block (trap mode: Unicorn's I/O hook). A port the guest may
     * not use reads as the register already held (the CPU's answer to a stop from an IN hook),
     * and the #GP the hardware would have raised is delivered at the next instruction boundary:
     * the device never sees the access.
     */
    private TrapOutcome portInFromHook(Trap.PortIn in) {
        counters.count(TrapKind.IO);
        if (!ioPermission.allowed(in.port(), in.size(), state)) {
            return deniedPortFromHook();
        }
        int value = io.read(in.port(), in.size());
        // No recheck here (see portOutFromHook): a stop would cost the guest the value it read.
        TrapOutcome after = afterDevices(TrapOutcome.CONTINUE);
        return after instanceof TrapOutcome.Stop ? after : TrapOutcome.value(value);
    }

    private TrapOutcome portOutFromHook(Trap.PortOut out) {
        counters.count(TrapKind.IO);
        if (!ioPermission.allowed(out.port(), out.size(), state)) {
            return deniedPortFromHook();
        }
        io.write(out.port(), out.size(), out.value());
        return recheckFlags(afterDevices(TrapOutcome.CONTINUE));
    }

    /**
     * Unicorn calls its I/O hooks with EIP at the start of the block, not at the instruction, and
     * the instruction cannot be undone from inside the hook; so the #GP goes to the guest once
     * the block has ended, naming the first I/O instruction of the block.
     */
    private TrapOutcome deniedPortFromHook() {
        long blockStart = Integer.toUnsignedLong(cpu.read(Register.EIP));
        Instruction io = instructions.firstFrom(blockStart, BLOCK_SEARCH_BYTES, PortIoInstructions::isPortIo);
        long at = io == null ? blockStart : io.address();
        return TrapOutcome.stop(new VmStop.Deliver(GuestEvent.exception(ExceptionNames.GENERAL_PROTECTION, 0, at)));
    }

    /**
     * SYSENTER and SYSCALL: our CPUID advertises neither (leaf 1 EDX bit 11 clear, and SYSCALL is
     * not a 32-bit Intel instruction), so both raise #UD, delivered once the CPU has stopped after
     * the instruction. Where it was is found by decoding forward from its block's start.
     */
    private TrapOutcome fastSystemCall(Trap.FastSystemCall call) {
        counters.count(TrapKind.FAULT);
        Instruction insn = instructions.firstFrom(call.blockStart(), BLOCK_SEARCH_BYTES,
                i -> i.mnemonic().equals(call.mnemonic()));
        long at = insn == null ? call.blockStart() : insn.address();
        return TrapOutcome.stop(new VmStop.Deliver(GuestEvent.exception(ExceptionNames.INVALID_OPCODE, 0, at)));
    }

    /** #GP or #NP at CPL 3: a privileged instruction, a return to a guest selector, or the guest's own fault. */
    private TrapOutcome protectionFault(Trap.Fault fault) {
        Instruction instruction = instructions.at(fault.eip());
        if (instruction == null) {
            return reflect(GuestEvent.exception(fault.vector(), fault.errorCode(), fault.eip()), TrapKind.FAULT);
        }
        if (IretEmulation.isIret(instruction) || IretEmulation.isFarReturn(instruction)) {
            counters.count(TrapKind.PRIVILEGED);
            return apply(fault.eip(), () -> iret.emulate(instruction, state));
        }
        if (fault.vector() == ExceptionNames.GENERAL_PROTECTION && StackSegmentLoad.isStackSegmentLoad(instruction)) {
            counters.count(TrapKind.PRIVILEGED);
            return apply(fault.eip(), () -> stackSegmentLoad.emulate(instruction, state));
        }
        if (fault.vector() == ExceptionNames.GENERAL_PROTECTION && PrivilegedInstructions.isPrivileged(instruction)) {
            counters.count(TrapKind.PRIVILEGED);
            interruptShadow = instruction.mnemonic().equals("sti");
            return afterDevices(apply(fault.eip(), () -> privileged.emulate(instruction, state)));
        }
        if (fault.vector() == SEGMENT_NOT_PRESENT && hiddenByTheView(fault.errorCode())) {
            // The guest's own descriptor is present: the shadow hid it because the current
            // privilege level may not use it. The guest's hardware would have said #GP.
            return reflect(GuestEvent.exception(ExceptionNames.GENERAL_PROTECTION, fault.errorCode() & 0xFFFC, fault.eip()), TrapKind.FAULT);
        }
        return reflect(GuestEvent.exception(fault.vector(), fault.errorCode(), fault.eip()), TrapKind.FAULT);
    }

    private boolean hiddenByTheView(int errorCode) {
        int selector = errorCode & 0xFFFC;
        if ((selector & 4) != 0 || selector == 0) {
            return false;
        }
        long guest = shadow.guestDescriptor(selector);
        return guest != 0 && hvlab.vmm.boot.SegmentDescriptor.decode(guest).present()
                && !hvlab.vmm.boot.SegmentDescriptor.decode(guest).system();
    }

    /** A watched instruction (binary translation) is about to run. */
    private TrapOutcome watched(long eip) {
        if (eip == BootLayout.TRAMPOLINE) {
            return trampoline();
        }
        BinaryTranslator.Site site = translator == null ? null : translator.site(eip);
        if (site == null) {
            return end(new VmExit.CpuError(String.format("unexpected watched instruction at %#x", eip)));
        }
        if (site.kind() != BinaryTranslator.SiteKind.SENSITIVE && !BinaryTranslator.unchanged(site.instruction(), state)) {
            return apply(eip, () -> new Emulation.Retranslate(eip));
        }
        return switch (site.kind()) {
            case PORT_IO -> {
                counters.count(TrapKind.IO);
                yield afterDevices(apply(eip, () -> portIo.emulate(site.instruction(), state)));
            }
            case IRET -> {
                counters.count(TrapKind.TRANSLATED);
                yield apply(eip, () -> iret.emulate(site.instruction(), state));
            }
            case SENSITIVE -> {
                counters.count(TrapKind.TRANSLATED);
                yield apply(eip, () -> translator.onWatched(eip, state));
            }
        };
    }

    /**
     * The IRETD of the VMM's trampoline, which bt mode watches (see BinaryTranslator). Run by the
     * VMM at real CPL 0, it enters the guest: let it through. Run by the guest, which can execute
     * the page, it is simply the guest's own IRET, emulated like any other (a native one at CPL 3
     * would enter virtual-8086 mode when asked).
     */
    private TrapOutcome trampoline() {
        if ((cpu.read(Register.CS) & 3) == 0) {
            return TrapOutcome.CONTINUE;
        }
        counters.count(TrapKind.TRANSLATED);
        return apply(BootLayout.TRAMPOLINE, () -> iret.emulate(trampolineIret, state));
    }

    /**
     * A real page fault: either the shadow only lacked the page (filled in, the instruction runs
     * again) or the guest's own tables refuse the access (the guest's #PF, CR2 set by the MMU).
     */
    private TrapOutcome pageFault(Trap.Fault fault) {
        long linear = Integer.toUnsignedLong(cpu.read(Register.CR2));
        ShadowFault handled = mmu.onRealPageFault(linear, fault.errorCode());
        if (TRACE) {
            System.err.printf("[paging] cr2=%08x error=%d: %s%n", linear, fault.errorCode(), handled);
        }
        return switch (handled) {
            case ShadowFault.Filled filled -> {
                counters.count(TrapKind.SHADOW_PAGE_FAULT);
                yield TrapOutcome.CONTINUE;
            }
            case ShadowFault.Guest guest ->
                    reflect(GuestEvent.exception(PAGE_FAULT, guest.fault().errorCode(), fault.eip()), TrapKind.FAULT);
            case ShadowFault.Refused refused -> end(new VmExit.Fault(PAGE_FAULT, fault.eip(), refused.reason()));
        };
    }

    /** A block was translated: binary translation scans it before it runs. */
    private TrapOutcome translated(Trap.BlockTranslated block) {
        if (mmu != null) {
            mmu.codeTranslated(block.address(), block.size());
        }
        byte[] code;
        if (mmu != null && mmu.pagingEnabled()) {
            code = mmu.fetch(block.address(), block.size());
            if (code.length != block.size()) {
                return TrapOutcome.CONTINUE;
            }
        } else if (ram.contains(block.address(), block.size())) {
            code = ram.readBytes(block.address(), block.size());
        } else {
            return TrapOutcome.CONTINUE;
        }
        return translator.scanBlock(code, block.address()) ? TrapOutcome.stop(VmStop.INSTRUMENT) : TrapOutcome.CONTINUE;
    }

    /**
     * Runs an emulation; an access the guest's hardware would refuse becomes that exception,
     * raised at {@code instruction} (fault semantics: the guest's handler sees the instruction
     * that failed, with the registers it had changed so far, as for a REP string instruction).
     */
    private TrapOutcome apply(long instruction, Supplier<Emulation> emulation) {
        Emulation result;
        try {
            result = emulation.get();
        } catch (GuestFault.Exception e) {
            result = new Emulation.Raise(e.vector(), e.errorCode(), instruction);
        }
        return switch (result) {
            case Emulation.Resume resume -> {
                cpu.write(Register.EIP, (int) resume.nextEip());
                yield TrapOutcome.CONTINUE;
            }
            case Emulation.Raise raise ->
                    reflect(GuestEvent.exception(raise.vector(), raise.errorCode(), raise.eip()), TrapKind.FAULT);
            case Emulation.Halt halt -> {
                cpu.write(Register.EIP, (int) halt.nextEip());
                vcpu.setHalted(true);
                yield TrapOutcome.stop(VmStop.WAIT_FOR_INTERRUPT);
            }
            case Emulation.Exit exit -> end(exit.exit());
            case Emulation.Retranslate stale -> {
                translator.retire(stale.eip());
                cpu.write(Register.EIP, (int) stale.eip());
                yield TrapOutcome.stop(VmStop.INSTRUMENT);
            }
        };
    }

    /** A device may have asked to end the VM while it handled the access (the debug-exit port). */
    private TrapOutcome afterDevices(TrapOutcome outcome) {
        VmExit requested = exitRequest.take();
        return requested != null ? end(requested) : outcome;
    }

    private TrapOutcome end(VmExit exit) {
        ended = true;
        return TrapOutcome.stop(new VmStop.End(exit));
    }

    /** Hands an exception or software interrupt to the guest's IDT; without one, the VM ends. */
    private TrapOutcome reflect(GuestEvent event, TrapKind countAs) {
        if (countAs != null) {
            counters.count(countAs);
        }
        if (!vcpu.hasIdt()) {
            String why = event.source() == GuestEvent.Source.SOFTWARE
                    ? "software interrupt, and the guest has no IDT to handle it" : detailFor(event);
            return end(new VmExit.Fault(event.vector(), event.instruction(), why));
        }
        VmExit failed = delivery.deliver(event, state);
        if (failed != null) {
            return end(failed);
        }
        counters.count(TrapKind.INTERRUPT);
        return TrapOutcome.CONTINUE;
    }

    private String detailFor(GuestEvent event) {
        if (event.vector() == ExceptionNames.INVALID_OPCODE) {
            return "invalid opcode";
        }
        if (event.vector() == ExceptionNames.GENERAL_PROTECTION) {
            Instruction insn = instructions.at(event.returnEip());
            String what = insn == null ? "an undecodable instruction" : "'" + insn.text() + "'";
            return what + " raised a general protection fault, and the guest has no IDT to handle it";
        }
        return "the guest has no IDT to handle it";
    }

    /**
     * Port output in the middle of a block, where the flags cannot be read (see {@link RealFlags}):
     * if they look broken, have the CPU stop at the next block boundary, where the VM checks
     * them for real. A guest that only had stale lazy flags loses nothing but the rest of its slice.
     */
    private TrapOutcome recheckFlags(TrapOutcome outcome) {
        if (outcome instanceof TrapOutcome.Stop || realFlagsBroken() == null) {
            return outcome;
        }
        return TrapOutcome.stop(VmStop.RECHECK);
    }

    private VmExit realFlagsBroken() {
        if (RealFlags.fine(cpu.readSystemFlags())) {
            return null; // every trap comes here: one word of the CPU's state read, no more
        }
        int flags = cpu.read(Register.EFLAGS);
        return RealFlags.broken(flags, Integer.toUnsignedLong(cpu.read(Register.EIP)), vcpu.privilegeLevel() == 0);
    }

    /** INT n is CD ib (two bytes), INT3 and INTO one byte: find the instruction that raised it. */
    private long softwareInterruptAddress(Trap.SoftwareInterrupt soft) {
        long next = soft.nextEip();
        try {
            byte[] before = mmu != null ? mmu.fetch(next - 2, 2) : ram.readBytes(next - 2, 2);
            if (before.length == 2 && (before[0] & 0xFF) == 0xCD && (before[1] & 0xFF) == soft.vector()) {
                return next - 2;
            }
        } catch (GuestFault unreadable) {
            // fall through
        }
        return next - 1;
    }
}
