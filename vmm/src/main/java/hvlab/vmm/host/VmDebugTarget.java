package hvlab.vmm.host;

import hvlab.cpu.Register;
import hvlab.vmm.SliceResult;
import hvlab.vmm.Vm;
import hvlab.vmm.gdb.BreakpointTraps;
import hvlab.vmm.gdb.DebugTarget;
import hvlab.vmm.gdb.GuestView;
import hvlab.vmm.gdb.I386Registers;
import hvlab.vmm.gdb.VmStepper;

import java.util.function.Consumer;

/**
 * A VM of this host under gdb (one connection). A stopped VM is simply a paused one: the attach,
 * a breakpoint and Ctrl-C pause it (at an exact instruction boundary, as {@code vm pause} does),
 * and {@code vm info} says so. Everything gdb reads or writes is done with the host's lock held
 * and the VM off every CPU, like introspection. {@code c} resumes it on the host's own workers,
 * scheduled like any VM; a {@link GuestRun} watches for the breakpoint, Ctrl-C or the end.
 */
final class VmDebugTarget implements DebugTarget {
    static final String ACTOR = "gdb";
    /**
     * Breakpoints one debugger may set: each is a hook Unicorn walks whenever it translates code,
     * so a client must not be able to set a million of them.
     */
    static final int MAX_BREAKPOINTS = 256;
    private final Host host;
    private final String name;
    private Vm vm;
    private BreakpointTraps traps;
    private GuestView view;
    /** Was the VM running when gdb came? Then it runs on when gdb leaves. */
    private boolean wasRunning;
    private GuestRun run;

    VmDebugTarget(Host host, String name) {
        this.host = host;
        this.name = name;
    }

    @Override
    public Stop attach() {
        host.lock().lock();
        try {
            ManagedVm m = host.managedVm(name);
            host.requireOpenBox(m);
            if (m.vm == null || !m.state.active()) {
                throw new TargetException("'" + name + "' is " + m.state.label());
            }
            if (m.vm.trapHandler() != m.vm.dispatcher()) {
                throw new TargetException("'" + name + "' is being watched ('vmi watch'): one observer of its traps at a time");
            }
            wasRunning = m.state != VmLifecycle.PAUSED;
            if (wasRunning) {
                host.act(name, PowerAction.PAUSE, ACTOR);
            }
            vm = m.vm;
            traps = new BreakpointTraps(vm.dispatcher(), vm.cpu(),
                    eip -> vm.translator() != null && vm.translator().site(eip) != null);
            vm.setTrapHandler(traps);
            view = new GuestView(vm);
            return Stop.TRAP;
        } finally {
            host.lock().unlock();
        }
    }

    /** The machine gdb attached to, paused and off every CPU; the host's lock must be held. */
    private ManagedVm stopped() {
        ManagedVm m = host.managedVm(name);
        if (m.vm != vm || vm == null) {
            throw new TargetException("'" + name + "' is no longer the machine gdb attached to");
        }
        if (m.state != VmLifecycle.PAUSED) {
            throw new TargetException("'" + name + "' is " + m.state.label() + ", not stopped");
        }
        host.awaitOffCpu(m);
        return m;
    }

    private <T> T whileStopped(java.util.function.Supplier<T> work) {
        host.lock().lock();
        try {
            stopped();
            return work.get();
        } finally {
            host.lock().unlock();
        }
    }

    @Override
    public I386Registers registers() {
        return whileStopped(view::registers);
    }

    @Override
    public void setRegisters(I386Registers registers) {
        whileStopped(() -> {
            view.setRegisters(registers);
            return null;
        });
    }

    @Override
    public byte[] readMemory(long address, int length) {
        return whileStopped(() -> view.read(address, length));
    }

    @Override
    public void writeMemory(long address, byte[] bytes) {
        whileStopped(() -> {
            view.write(address, bytes);
            host.journal(host.store().folder(name), "gdb-write", java.util.Map.of("what",
                    String.format("%d bytes at 0x%08x", bytes.length, address), "actor", ACTOR));
            return null;
        });
    }

    @Override
    public void insertBreakpoint(long address) {
        if (address >= hvlab.vmm.boot.BootLayout.VMM_REGION) {
            throw new TargetException("the VMM's region is not the guest's: no breakpoint there");
        }
        whileStopped(() -> {
            if (!traps.isBreakpoint(address) && traps.breakpoints().size() >= MAX_BREAKPOINTS) {
                throw new TargetException("at most " + MAX_BREAKPOINTS + " breakpoints");
            }
            traps.insert(address);
            return null;
        });
    }

    @Override
    public void removeBreakpoint(long address) {
        whileStopped(() -> {
            traps.remove(address);
            return null;
        });
    }

    @Override
    public Stop step() {
        host.lock().lock();
        try {
            ManagedVm m = stopped();
            SliceResult result = VmStepper.step(vm, traps);
            return result instanceof SliceResult.Ended ended ? GuestRun.stopFor(ended.exit()) : Stop.TRAP;
        } finally {
            host.lock().unlock();
        }
    }

    @Override
    public void resume(Consumer<Stop> whenStopped) {
        host.lock().lock();
        try {
            stopped();
            long eip = Integer.toUnsignedLong(vm.cpu().read(Register.EIP));
            if (traps.isBreakpoint(eip)) {
                // Off the breakpoint gdb is stopped at first, or it would stop there again at once.
                SliceResult result = VmStepper.step(vm, traps);
                if (result instanceof SliceResult.Ended ended) {
                    whenStopped.accept(GuestRun.stopFor(ended.exit()));
                    return;
                }
                if (traps.isBreakpoint(Integer.toUnsignedLong(vm.cpu().read(Register.EIP)))) {
                    whenStopped.accept(Stop.BREAKPOINT);
                    return;
                }
            }
            traps.rearm();
            run = new GuestRun(host, name, vm, traps, whenStopped);
            run.start();
        } finally {
            host.lock().unlock();
        }
    }

    @Override
    public void interrupt() {
        GuestRun r = run;
        if (r != null) {
            r.interrupt();
        }
    }

    @Override
    public void detach() {
        GuestRun r = run;
        if (r != null) {
            r.abandon(); // the VM runs on; nobody waits for its next stop
        }
        host.lock().lock();
        try {
            ManagedVm m = host.managedVm(name);
            if (m.vm != vm || vm == null) {
                return;
            }
            host.awaitOffCpu(m);
            traps.disarm();
            traps.removeAll();
            vm.setTrapHandler(vm.dispatcher());
            if (wasRunning && m.state == VmLifecycle.PAUSED) {
                host.act(name, PowerAction.RESUME, ACTOR);
            }
        } finally {
            host.lock().unlock();
        }
    }

    @Override
    public void kill() {
        GuestRun r = run;
        if (r != null) {
            r.abandon();
        }
        host.act(name, PowerAction.POWEROFF, ACTOR);
    }
}
