package hvlab.tui;

import hvlab.vmm.host.ConsoleOutput;
import hvlab.vmm.host.HostControl;
import hvlab.vmm.host.HostException;
import hvlab.vmm.host.LifecycleEvent;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmInfo;
import hvlab.vmm.host.VmLifecycle;
import hvlab.vmm.host.VmSpec;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static hvlab.vmm.host.VmLifecycle.*;

/**
 * An in-memory {@link HostControl} for testing the language without running guests: it keeps
 * the state machine of the contract (which action each state allows, refusals naming the state),
 * consoles the test writes into, and shares the test sets. Two guests behave specially: a
 * {@code shutdown-aware} guest powers off a moment after the power button, and a {@code typist}
 * echoes what is typed. Everything is synchronized: waits look from another thread.
 */
public class FakeHost implements HostControl, AutoCloseable {
    private final Map<String, Vm> vms = new LinkedHashMap<>();
    private final List<Consumer<LifecycleEvent>> listeners = new CopyOnWriteArrayList<>();
    public final List<String> actors = new CopyOnWriteArrayList<>();
    public volatile boolean closed;

    private static final class Vm {
        final VmSpec spec;
        VmLifecycle state = DEFINED;
        final StringBuilder console = new StringBuilder();
        double share;
        String lastExit;

        Vm(VmSpec spec) {
            this.spec = spec;
        }
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public synchronized VmInfo create(VmSpec spec) {
        if (vms.containsKey(spec.name())) {
            throw new HostException("a VM named '" + spec.name() + "' already exists");
        }
        if (spec.memory() != null && !spec.memory().matches("\\d+[KMG]?")) {
            throw new HostException("bad size '" + spec.memory() + "'");
        }
        if (spec.weight() < 1) {
            throw new HostException("weight must be at least 1, not " + spec.weight());
        }
        vms.put(spec.name(), new Vm(spec));
        return info(spec.name());
    }

    @Override
    public VmInfo act(String name, PowerAction action, String actor) {
        VmInfo result;
        synchronized (this) {
            actors.add(actor);
            Vm vm = vm(name);
            VmLifecycle from = vm.state;
            VmLifecycle to = switch (action) {
                case START -> allow(vm, action, DEFINED, CRASHED) ? RUNNING : null;
                case PAUSE -> allow(vm, action, RUNNING) ? PAUSED : null;
                case RESUME -> allow(vm, action, PAUSED) ? RUNNING : null;
                case RESET -> allow(vm, action, RUNNING, PAUSED) ? RUNNING : null;
                case SHUTDOWN -> allow(vm, action, RUNNING) ? SHUTTING_DOWN : null;
                case POWEROFF, DESTROY -> allow(vm, action, RUNNING, PAUSED, SHUTTING_DOWN) ? DEFINED : null;
                case UNDEFINE -> allow(vm, action, DEFINED, CRASHED) ? DEFINED : null;
            };
            vm.state = to;
            result = info(name);
            if (action == PowerAction.UNDEFINE) {
                vms.remove(name);
            }
            if (from != to) {
                fire(name, from, to, actor);
            }
        }
        if (action == PowerAction.SHUTDOWN && vm(name).spec.guest().equals("shutdown-aware")) {
            Thread.ofVirtual().start(() -> {
                sleep(80);
                moveTo(name, DEFINED, "poweroff");
            });
        }
        return result;
    }

    private static boolean allow(Vm vm, PowerAction action, VmLifecycle... allowed) {
        for (VmLifecycle state : allowed) {
            if (vm.state == state) return true;
        }
        throw new HostException("cannot " + action.label() + " '" + vm.spec.name() + "': it is " + vm.state.label());
    }

    @Override
    public synchronized List<VmInfo> list() {
        return vms.keySet().stream().map(this::info).toList();
    }

    @Override
    public synchronized VmInfo info(String name) {
        Vm vm = vm(name);
        VmSpec s = vm.spec;
        return new VmInfo(s.name(), "uuid-" + s.name(), "local", vm.state.label(), s.guest(), s.mode() == null ? "trap" : s.mode(),
                16L << 20, s.disk(), s.weight(), s.cap(), vm.share, 12.5, 40, 0, Map.of("io", 3L), vm.lastExit, 40, java.util.List.of());
    }

    @Override
    public synchronized ConsoleOutput console(String name, long since) {
        String text = vm(name).console.toString();
        int from = (int) Math.min(Math.max(since, 0), text.length());
        return new ConsoleOutput(name, text.substring(from), from, text.length(), 0);
    }

    @Override
    public synchronized void send(String name, byte[] bytes) {
        Vm vm = vm(name);
        if (!vm.state.active()) {
            throw new HostException("cannot type into '" + name + "': it is " + vm.state.label());
        }
        if (vm.spec.guest().equals("typist")) {
            vm.console.append(new String(bytes, StandardCharsets.UTF_8));
        }
    }

    /** The fake has no machines to capture: commands that need one are tested on the real host. */
    @Override
    public hvlab.vmm.host.VmBundle capture(String vm) {
        throw new HostException("the fake host cannot capture '" + vm + "'");
    }

    @Override
    public VmInfo install(hvlab.vmm.host.VmBundle bundle, String name, String actor, String event) {
        throw new HostException("the fake host cannot install VMs");
    }

    @Override
    public hvlab.vmm.host.SnapshotInfo snapshot(String vm, String snapshot, String actor) {
        throw new HostException("the fake host keeps no snapshots");
    }

    @Override
    public java.util.List<hvlab.vmm.host.SnapshotInfo> snapshots(String vm) {
        return java.util.List.of();
    }

    @Override
    public VmInfo revert(String vm, String snapshot, String actor) {
        throw new HostException("the fake host keeps no snapshots");
    }

    @Override
    public void deleteSnapshot(String vm, String snapshot, String actor) {
        throw new HostException("the fake host keeps no snapshots");
    }

    @Override
    public VmInfo cloneVm(String vm, String newName, String actor) {
        throw new HostException("the fake host cannot clone");
    }

    @Override
    public java.util.List<String> history(String vm) {
        return java.util.List.of();
    }

    @Override
    public AutoCloseable subscribe(Consumer<LifecycleEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    public int subscribers() {
        return listeners.size();
    }

    // --- what tests do to the fake ---

    public synchronized void print(String name, String text) {
        vm(name).console.append(text);
    }

    public synchronized void share(String name, double share) {
        vm(name).share = share;
    }

    public synchronized void moveTo(String name, VmLifecycle to, String lastExit) {
        Vm vm = vms.get(name);
        if (vm == null) return;
        VmLifecycle from = vm.state;
        vm.state = to;
        vm.lastExit = lastExit;
        fire(name, from, to, "guest");
    }

    public synchronized List<String> names() {
        return new ArrayList<>(vms.keySet());
    }

    private Vm vm(String name) {
        synchronized (this) {
            Vm vm = vms.get(name);
            if (vm == null) {
                throw new HostException("no VM named '" + name + "'");
            }
            return vm;
        }
    }

    private void fire(String name, VmLifecycle from, VmLifecycle to, String actor) {
        LifecycleEvent event = new LifecycleEvent(Instant.now(), "local", name, from.label(), to.label(), actor, null);
        listeners.forEach(l -> l.accept(event));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public void record(String vm, String event, java.util.Map<String, ?> details) {
        vm(vm);
    }

    @Override
    public hvlab.vmm.host.TrapLogReport trapLog(String vm, long afterSeq) {
        vm(vm);
        return hvlab.vmm.host.TrapLogReport.NONE;
    }
}
