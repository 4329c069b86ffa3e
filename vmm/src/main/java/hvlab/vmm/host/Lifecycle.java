package hvlab.vmm.host;

import hvlab.vmm.SliceResult;
import hvlab.vmm.Vm;
import hvlab.vmm.VmConfig;
import hvlab.vmm.VmExit;
import hvlab.vmm.devices.PlatformOptions;
import hvlab.vmm.image.GuestImage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static hvlab.vmm.host.VmLifecycle.*;

/**
 * The VM state machine (libvirt's states and actions, DESIGN.md section 7): which action is
 * allowed in which state, what each one does to the machine, and how the end of a guest moves
 * its VM. Every transition is a {@link LifecycleEvent}. Runs with the host's lock held.
 *
 * <pre>
 *                start                 pause
 *   defined ────────────▶ running ─────────────▶ paused
 *      ▲  ▲                │  ▲ ◀──────────────   │
 *      │  │     shutdown   │  │     resume        │
 *      │  │  ┌─────────────┘  │ reset             │
 *      │  │  ▼                │                   │
 *      │  shutting-down ──────┘ (guest powers off: defined)
 *      │
 *      └── poweroff / destroy (from running, paused, shutting-down, crashed)
 *   crashed: the guest faulted beyond repair; start again, or poweroff to clear it
 * </pre>
 */
final class Lifecycle {
    private final Host host;

    Lifecycle(Host host) {
        this.host = host;
    }

    void apply(ManagedVm m, PowerAction action, String actor) {
        VmLifecycle from = m.state;
        switch (action) {
            case START -> {
                require(m, action, DEFINED, CRASHED);
                boolean resumed = SavedState.exists(host.store().folder(m.name));
                boot(m);
                transition(m, from, m.state, actor, resumed ? "took up its saved machine" : "booted " + m.definition.guest());
            }
            case PAUSE -> {
                require(m, action, RUNNING, SHUTTING_DOWN);
                m.state = PAUSED;
                host.scheduler().setWants(m.name, false, System.nanoTime());
                host.awaitOffCpuStillThere(m, "pause it");
                m.pausedAt = System.nanoTime();
                transition(m, from, PAUSED, actor, "stopped at eip " + eip(m));
            }
            case RESUME -> {
                require(m, action, PAUSED);
                m.clockSyncedAt += System.nanoTime() - m.pausedAt;
                m.state = RUNNING;
                host.wake(m);
                transition(m, from, RUNNING, actor, "");
            }
            case RESET -> {
                require(m, action, RUNNING, PAUSED, SHUTTING_DOWN);
                halt(m);
                boot(m);
                transition(m, from, RUNNING, actor, "reset: a fresh boot");
            }
            case SHUTDOWN -> {
                require(m, action, RUNNING);
                m.state = SHUTTING_DOWN;
                m.vm.pressPowerButton();
                host.wake(m);
                transition(m, from, SHUTTING_DOWN, actor, "power button pressed");
            }
            case POWEROFF, DESTROY -> {
                require(m, action, RUNNING, PAUSED, SHUTTING_DOWN, CRASHED);
                halt(m);
                m.lastExit = "powered off by " + actor;
                transition(m, from, DEFINED, actor, "powered off");
            }
            case UNDEFINE -> {
                require(m, action, DEFINED, CRASHED);
                host.forget(m);
                host.store().delete(m.name);
                host.publish(m, from, null, actor, "definition, image and disk removed");
            }
        }
    }

    /** What the end of a slice means for the VM's state. */
    void afterSlice(ManagedVm m, SliceResult result, long now) {
        switch (result) {
            case SliceResult.Ended ended -> finished(m, ended.exit());
            case SliceResult.Halted halted when m.ephemeral -> {
                VmExit idleForEver = m.vm.skipIdleTime();
                if (idleForEver != null) {
                    finished(m, idleForEver);
                }
            }
            case SliceResult.Halted halted when m.vm.hasWorkFromOutside() -> { } // a wake-up came in as it halted
            case SliceResult.Halted halted -> {
                m.halted = true;
                m.wakeAt = halted.nanosUntilEvent() == SliceResult.NEVER ? Long.MAX_VALUE : now + halted.nanosUntilEvent();
                host.scheduler().setWants(m.name, false, now);
            }
            case SliceResult.Ran ran -> { }
            case SliceResult.Stopped stopped -> { }
        }
    }

    /**
     * The guest ended. Powering off, halting for good or writing the debug-exit port is a clean
     * end: back to defined. A fault the guest could not handle is a crash: crashed, reason kept.
     */
    private void finished(ManagedVm m, VmExit exit) {
        if (m.leaving || m.state == PAUSED || !m.state.active()) {
            return; // a lifecycle action got there first; the VM keeps the exit for when it resumes
        }
        if (m.ephemeral) {
            m.result = m.vm.result(exit, (System.nanoTime() - m.startedAt) / 1_000_000);
        }
        VmLifecycle from = m.state;
        boolean crash = exit instanceof VmExit.Fault || exit instanceof VmExit.MemoryFault
                || exit instanceof VmExit.NotEmulated || exit instanceof VmExit.CpuError;
        closeMachine(m);
        m.lastExit = exit.reason() + ": " + exit.describe();
        transition(m, from, crash ? CRASHED : DEFINED, "guest", exit.describe());
    }

    /** Powers the VM on: from its saved machine if it has one, else a fresh boot. */
    private void boot(ManagedVm m) {
        Path folder = host.store().folder(m.name);
        if (SavedState.exists(folder)) {
            SavedState.Contents saved = SavedState.read(folder);
            startMachine(m, ram -> {
                saved.memory().applyTo(ram.segment());
                return decode(m, saved.machine(), ram);
            }, saved.paused());
            SavedState.delete(folder);
        } else {
            startMachine(m, null, false);
        }
    }

    private static hvlab.vmm.state.VmState decode(ManagedVm m, byte[] machine, hvlab.cpu.GuestMemory ram) {
        try {
            return hvlab.vmm.state.VmStateCodec.decode(machine, ram);
        } catch (IllegalArgumentException e) {
            throw new HostException("cannot start '" + m.name + "' from its saved machine: " + e.getMessage());
        }
    }

    /**
     * Builds the VM's machine from its definition and starts it: a fresh boot when {@code state}
     * is null, else taking up the state it decodes over the new machine's RAM (an imported machine,
     * a restored backup, a snapshot reverted to: see {@link Vm#restore(java.util.function.Function)}),
     * running or paused. The definition's generation ID always wins over the
     * saved one: a copy or a rollback is a new generation, and the guest must see that.
     */
    void startMachine(ManagedVm m, java.util.function.Function<hvlab.cpu.GuestMemory, hvlab.vmm.state.VmState> state, boolean paused) {
        takeUp(m, buildMachine(m), state, paused);
    }

    /**
     * The first half of {@link #startMachine}: the VM's machine built from its definition (engine,
     * RAM, devices, vTPM), not yet booted or restored. A live migration's target builds it while
     * the VM still runs at the source, and writes the arriving pages straight into its RAM.
     */
    Vm buildMachine(ManagedVm m) {
        if (!m.ephemeral) {
            host.claimStore(m.name);
        }
        VmDefinition d = m.definition;
        VmConfig plain = plainConfig(m);
        PlatformOptions platform = plain.platform();
        try {
            platform = VmTpms.withVtpm(host, d, platform);
        } catch (RuntimeException e) {
            throw new HostException("cannot give '" + m.name + "' its vTPM: " + e.getMessage());
        }
        platform = host.hostNetwork().withNic(d, platform);
        VmConfig config = plain.withPlatform(platform);
        try {
            return new Vm(config, b -> { }, new hvlab.vmm.console.ConsoleLog());
        } catch (IllegalArgumentException e) {
            throw new HostException("cannot start '" + m.name + "': " + e.getMessage());
        }
    }

    /**
     * The machine of the VM's definition with its image, RAM, mode and disk, and no device the
     * host adds (vTPM, network card): what a replay builds (it runs outside the host).
     */
    VmConfig plainConfig(ManagedVm m) {
        VmDefinition d = m.definition;
        Path folder = host.store().folder(m.name);
        byte[] image;
        try {
            image = Files.readAllBytes(folder.resolve(VmStore.IMAGE));
        } catch (IOException e) {
            throw new HostException("cannot read the image of '" + m.name + "': " + VmStore.reason(e));
        }
        PlatformOptions platform = PlatformOptions.DEFAULT.withRtcEpochSeconds(System.currentTimeMillis() / 1000)
                .withGenerationId(d.generationId()).withApic(d.apic()).withTypeOnKeyboard(d.keyboard());
        if (d.disk() != null) {
            platform = platform.withDisk(VmCreation.diskPath(folder, d.disk())).withDiskLimits(DiskLimitsFile.read(folder));
        }
        return new VmConfig(new GuestImage(m.name, image), d.memoryBytes(), Host.modeOf(d), Duration.ZERO, platform, d.ifMirror());
    }

    /**
     * {@code vm start --record}: as START, always a fresh boot, with {@code prepare} given the
     * machine before it boots (to start its recording) and told the outcome in the VM's history.
     */
    void startRecorded(ManagedVm m, String actor, java.util.function.Consumer<Vm> prepare) {
        VmLifecycle from = m.state;
        require(m, PowerAction.START, DEFINED, CRASHED);
        if (SavedState.exists(host.store().folder(m.name))) {
            throw new HostException("cannot record '" + m.name + "': it has a saved machine, and a recording starts at power-on"
                    + " (start it, power it off, then start it with --record)");
        }
        Vm vm = buildMachine(m);
        try {
            prepare.accept(vm);
        } catch (RuntimeException e) {
            vm.close();
            throw e instanceof HostException h ? h : new HostException("cannot record '" + m.name + "': " + e.getMessage());
        }
        takeUp(m, vm, null, false);
        transition(m, from, m.state, actor, "booted " + m.definition.guest() + ", recording");
    }

    /** The second half of {@link #startMachine}: boots {@code vm} (state null) or restores it, and makes it the VM's machine. */
    void takeUp(ManagedVm m, Vm vm, java.util.function.Function<hvlab.cpu.GuestMemory, hvlab.vmm.state.VmState> state, boolean paused) {
        VmDefinition d = m.definition;
        hvlab.vmm.console.ConsoleLog console = vm.console();
        try {
            vm.setClockDrivenExternally(true);
            vm.setReinjectLostTicks(true);
            if (state == null) {
                vm.boot();
            } else {
                vm.restore(state);
                vm.platform().generationId().change(d.generationId());
                VmTpms.afterRestore(host, m, vm.platform().tpm());
            }
        } catch (HostException e) {
            vm.close();
            throw e;
        } catch (RuntimeException e) {
            vm.close();
            throw new HostException("cannot start '" + m.name + "': " + e.getMessage());
        }
        long now = System.nanoTime();
        m.console = console;
        m.vm = vm;
        m.state = paused ? PAUSED : RUNNING;
        m.pausedAt = now;
        m.lastExit = null;
        m.clockSyncedAt = now;
        m.meter.reset(now);
        host.hostNetwork().plugIn(m);
        host.wake(m);
    }

    /** Takes the machine away: off the CPUs first (at once: the running slice is stopped), then closed. */
    void halt(ManagedVm m) {
        host.scheduler().setWants(m.name, false, System.nanoTime());
        m.leaving = true;
        try {
            if (m.vm != null) {
                host.awaitOffCpu(m);
            }
        } finally {
            m.leaving = false;
        }
        closeMachine(m);
    }

    private void closeMachine(ManagedVm m) {
        m.forgetDirtyPages();
        if (m.vm != null) {
            host.recordings().finish(m, m.lastExit != null ? "the VM stopped (" + m.lastExit + ")" : "the VM stopped");
            m.lastTraps = m.vm.counters().byLabel();
            m.lastTrapLog = m.vm.trapLog();
            m.lastVirtualNanos = m.vm.virtualNanos();
            host.hostNetwork().unplug(m.name);
            m.vm.close();
            m.vm = null;
        }
        m.state = DEFINED;
        m.halted = false;
        host.scheduler().setWants(m.name, false, System.nanoTime());
    }

    void transition(ManagedVm m, VmLifecycle from, VmLifecycle to, String actor, String detail) {
        m.state = to;
        host.publish(m, from, to, actor, detail);
        host.signalChange();
    }

    private static String eip(ManagedVm m) {
        return m.vm == null ? "?" : String.format("%#x", Integer.toUnsignedLong(m.vm.cpu().read(hvlab.cpu.Register.EIP)));
    }

    private static void require(ManagedVm m, PowerAction action, VmLifecycle... allowed) {
        for (VmLifecycle state : allowed) {
            if (m.state == state) {
                return;
            }
        }
        throw new HostException("cannot " + action.label() + " '" + m.name + "': it is " + describe(m.state));
    }

    private static String describe(VmLifecycle state) {
        return state == DEFINED ? "shut off (defined)" : state.label();
    }
}
