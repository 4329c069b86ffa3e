package hvlab.vmm.host;

import hvlab.vmm.log.SecureLog;
import hvlab.vmm.ExecutionMode;
import hvlab.vmm.SliceResult;
import hvlab.vmm.Vm;
import hvlab.vmm.VmExit;
import hvlab.vmm.snapshot.SnapshotRecord;
import hvlab.vmm.snapshot.SnapshotStore;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One host: its VMs, the worker threads that run them in time slices, the credit scheduler that
 * decides which runs next, the store that keeps their definitions, and the stream of lifecycle
 * events (paper IV.C.3 isolation, IV.C.5 load balancing and limits, IV.C.10 power functions,
 * IV.C.13 management).
 *
 * <p>Each VM runs on at most one worker at a time, a slice at a time ({@link Vm#runSlice}); a
 * VM whose guest halts waits off the CPUs until its timer's next tick or until input arrives,
 * so an idle guest costs nothing. Every VM's clock runs in real time while the VM is running,
 * whether it is on a CPU or waiting for one, and stands still while it is paused: a guest sees
 * its timer at its real rate whatever share of the CPU it gets.
 *
 * <p>VMs share nothing they were not configured to share: each has its own CPU engine, RAM,
 * devices and disk file. A VM that crashes (or hits a bug in the VMM) becomes {@code crashed}
 * with its reason kept; the others run on.
 *
 * <p>Guest speed in {@link VmInfo#mips()} is an estimate: the VM's CPU share times this host's
 * speed on a register-only loop, measured once. Counting real instructions would slow the
 * guest down thirteenfold (Unicorn's instruction count hooks every instruction).
 */
public final class Host implements HostControl, AutoCloseable {
    /** How far back {@link VmInfo#share()} looks. */
    public static final Duration MEASURING_WINDOW = Duration.ofSeconds(3);
    private static final long IDLE_WAIT_NANOS = 50_000_000;

    private final String name;
    private final HostProfile profile;
    private final VmStore store;
    private final int threads;
    private final CreditScheduler scheduler;
    private final Map<String, ManagedVm> vms = new LinkedHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<Thread> workers = new ArrayList<>();
    private final List<Consumer<LifecycleEvent>> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService eventThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "hvlab-events");
        t.setDaemon(true);
        return t;
    });
    private final Lifecycle lifecycle;
    private final Snapshots snapshots;
    private final SecureLog secureLog;
    private final Introspector introspector = new Introspector(this);
    private final HostRecordings recordings = new HostRecordings(this);
    private final GdbServers gdbServers = new GdbServers(this);
    private final StoreLock storeLock;
    private final HostAttestation attestation;
    private final HostNetwork network;
    private final NetworkCommands networkCommands;
    private Path temporaryStore;
    private volatile boolean closed;

    /**
     * Opens the host on {@code storeDirectory} (created if missing) with {@code threads} worker
     * threads (one per CPU it may use). Every VM defined in the store is there, shut off.
     */
    public Host(String name, Path storeDirectory, int threads) {
        this(name, storeDirectory, threads, HostProfile.FULL);
    }

    /** A host that may do only what {@code profile} allows, measured into its TPM before any VM runs. */
    public Host(String name, Path storeDirectory, int threads, HostProfile profile) {
        if (threads < 1) {
            throw new HostException("a host needs at least one worker thread, not " + threads);
        }
        this.name = name;
        this.profile = profile;
        this.store = new VmStore(storeDirectory);
        // Measured launch: the host's TPM records this VMM's code, configuration and policy
        // before any VM runs (paper IV.A.2).
        try {
            this.attestation = new HostAttestation(name, store.root(), System.getenv(), profile.policy());
        } catch (java.io.UncheckedIOException | IllegalStateException | IllegalArgumentException e) {
            throw new HostException("cannot start the host's TPM: " + e.getMessage());
        }
        this.threads = threads;
        this.scheduler = new CreditScheduler(threads);
        try {
            this.secureLog = SecureLog.open(store.root(), name, attestation.hostTpm());
        } catch (java.io.IOException e) {
            throw new HostException("cannot open the secure log: " + VmStore.reason(e));
        }
        this.storeLock = new StoreLock(store.root());
        this.network = new HostNetwork(this);
        this.networkCommands = new NetworkCommands(this, network);
        this.lifecycle = new Lifecycle(this);
        this.snapshots = new Snapshots(this, lifecycle);
        long now = System.nanoTime();
        for (VmDefinition definition : store.list()) {
            addVm(definition, now);
        }
        for (int i = 0; i < threads; i++) {
            Thread worker = new Thread(this::work, "hvlab-" + name + "-cpu" + i);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
    }

    /** A host with a store of its own that lives as long as it does: for {@code hv run}. */
    public static Host temporary(String name, int threads) {
        try {
            Path store = java.nio.file.Files.createTempDirectory("hvlab-host");
            Host host = new Host(name, store, threads);
            host.temporaryStore = store;
            return host;
        } catch (java.io.IOException e) {
            throw new HostException("cannot make a temporary store: " + VmStore.reason(e));
        }
    }

    @Override
    public String name() {
        return name;
    }

    /** What this host may do to its VMs (measured into PCR 7). */
    public HostProfile profile() {
        return profile;
    }

    public VmStore store() {
        return store;
    }

    public int threads() {
        return threads;
    }

    // ---- the management interface --------------------------------------------------------

    @Override
    public VmInfo create(VmSpec spec) {
        VmStore.checkName(spec.name());
        lock.lock();
        try {
            if (vms.containsKey(spec.name()) || store.exists(spec.name())) {
                throw new HostException("a VM named '" + spec.name() + "' already exists");
            }
            if (spec.network() != null) {
                network.require(spec.network());
            }
            VmDefinition definition = new VmCreation(store).create(spec);
            recordReference(definition);
            ManagedVm managed = addVm(definition, System.nanoTime());
            publish(managed, null, VmLifecycle.DEFINED, "user", "created from " + definition.guest());
            return infoOf(managed, System.nanoTime());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public VmInfo act(String vm, PowerAction action, String actor) {
        lock.lock();
        try {
            ManagedVm managed = find(vm);
            if (managed.arriving != null) {
                // a copy still coming (a live migration, or a replica's failover being built): the
                // real VM runs at its source, and starting this one would run it twice (IV.E.1)
                throw new HostException("'" + vm + "' is a copy arriving from another host (a migration):"
                        + " it runs here only when its source gives it up");
            }
            VmInfo before = infoOf(managed, System.nanoTime());
            lifecycle.apply(managed, action, actor);
            if (action == PowerAction.UNDEFINE) {
                hostNetwork().forget(vm); // a new VM of that name starts at the host's default limits
                return new VmInfo(before.name(), before.uuid(), name, "undefined", before.guest(), before.mode(),
                        before.memoryBytes(), before.disk(), before.weight(), before.cap(), 0, 0, before.cpuMillis(),
                        before.throttledMillis(), Map.of(), before.lastExit(), 0, List.of());
            }
            return infoOf(managed, System.nanoTime());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<VmInfo> list() {
        lock.lock();
        try {
            long now = System.nanoTime();
            return vms.values().stream().filter(m -> !m.ephemeral).map(m -> infoOf(m, now)).toList();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public VmInfo info(String vm) {
        lock.lock();
        try {
            return infoOf(find(vm), System.nanoTime());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ConsoleOutput console(String vm, long since) {
        lock.lock();
        try {
            ManagedVm managed = find(vm);
            long from = Math.max(Math.max(0, since), managed.console.dropped());
            byte[] bytes = managed.console.since(from);
            if (managed.outputCommitted >= 0) { // replicated: only what the backup holds may be seen (Checkpointing)
                bytes = java.util.Arrays.copyOf(bytes, (int) Math.max(0, Math.min(bytes.length, managed.outputCommitted - from)));
            }
            return new ConsoleOutput(vm, new String(bytes, java.nio.charset.StandardCharsets.UTF_8), from,
                    from + bytes.length, managed.console.dropped());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<String> screen(String vm) {
        lock.lock();
        try {
            ManagedVm managed = find(vm);
            if (managed.vm == null || !managed.state.active()) {
                throw new HostException("'" + vm + "' has no screen to show: it is " + managed.state.label());
            }
            awaitOffCpuStillThere(managed, "read its screen"); // one consistent picture, not one torn by the guest
            return managed.vm.platform().cga().screen(managed.vm.ram());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void send(String vm, byte[] bytes) {
        lock.lock();
        try {
            ManagedVm managed = find(vm);
            if (managed.vm == null || !managed.state.active()) {
                throw new HostException("cannot type into '" + vm + "': it is " + managed.state.label());
            }
            managed.vm.sendInput(bytes);
            wake(managed);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public SnapshotInfo snapshot(String vm, String snapshot, String actor) {
        lock.lock();
        try {
            ManagedVm managed = find(vm);
            if (managed.export != null || managed.replication != null) {
                throw new HostException("cannot take a snapshot of '" + vm + "' while it is being migrated or replicated:"
                        + " they share its dirty-page tracker (dc replicate " + vm + " --stop ends a replication)");
            }
            return infoOf(managed, snapshots.create(managed, snapshot, actor), new SnapshotStore(store.folder(vm)));
        } catch (java.io.IOException e) {
            throw new HostException("cannot take snapshot " + snapshot + " of '" + vm + "': " + VmStore.reason(e), e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<SnapshotInfo> snapshots(String vm) {
        lock.lock();
        try {
            find(vm);
            SnapshotStore store = new SnapshotStore(this.store.folder(vm));
            List<SnapshotInfo> out = new ArrayList<>();
            for (SnapshotRecord record : store.list()) {
                out.add(infoOf(vms.get(vm), record, store));
            }
            return out;
        } catch (java.io.IOException e) {
            throw new HostException("cannot read the snapshots of '" + vm + "': " + VmStore.reason(e), e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public VmInfo revert(String vm, String snapshot, String actor) {
        lock.lock();
        try {
            ManagedVm managed = find(vm);
            snapshots.revert(managed, findSnapshot(vm, snapshot), actor);
            return infoOf(managed, System.nanoTime());
        } catch (java.io.IOException e) {
            throw new HostException("cannot revert '" + vm + "' to " + snapshot + ": " + VmStore.reason(e), e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void deleteSnapshot(String vm, String snapshot, String actor) {
        lock.lock();
        try {
            ManagedVm managed = find(vm);
            snapshots.delete(managed, findSnapshot(vm, snapshot), actor);
        } catch (java.io.IOException e) {
            throw new HostException("cannot delete snapshot " + snapshot + " of '" + vm + "': " + VmStore.reason(e), e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public VmInfo cloneVm(String vm, String newName, String actor) {
        VmStore.checkName(newName);
        VmBundle bundle = capture(vm);
        VmDefinition copy = bundle.definition().asCopy(newName);
        VmBundle asCopy = new VmBundle(copy, bundle.image(), bundle.disk(), bundle.machine(), bundle.memory(), bundle.paused(),
                List.of());
        VmInfo clone = install(asCopy, newName, actor, "clone-from", vm);
        journal(store.folder(vm), "clone-to", Map.of("vm", newName, "uuid", copy.uuid()));
        deleteQuietly(bundle.disk());
        return clone;
    }

    @Override
    public TrapLogReport trapLog(String vm, long afterSeq) {
        lock.lock();
        try {
            ManagedVm managed = find(vm);
            hvlab.vmm.TrapLog log = managed.vm != null ? managed.vm.trapLog() : managed.lastTrapLog;
            if (log == null) {
                return TrapLogReport.NONE;
            }
            // The log is the VM's own, safe to read while it runs: no need to stop it.
            return new TrapLogReport(log.seen(), log.perSecond(), log.after(afterSeq));
        } finally {
            lock.unlock();
        }
    }

    /** The first traps the VM's log kept in its current (or last) run: its boot, trap by trap. */
    @Override
    public TrapLogReport bootTraps(String vm) {
        lock.lock();
        try {
            ManagedVm managed = find(vm);
            hvlab.vmm.TrapLog log = managed.vm != null ? managed.vm.trapLog() : managed.lastTrapLog;
            return log == null ? TrapLogReport.NONE : new TrapLogReport(log.seen(), log.perSecond(), log.first());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void record(String vm, String event, Map<String, ?> details) {
        lock.lock();
        try {
            find(vm);
            journal(store.folder(vm), event, details);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<String> history(String vm) {
        lock.lock();
        try {
            find(vm);
            return VmHistory.lines(store.folder(vm));
        } finally {
            lock.unlock();
        }
    }

    private SnapshotRecord findSnapshot(String vm, String name) throws java.io.IOException {
        return new SnapshotStore(store.folder(vm)).byName(name)
                .orElseThrow(() -> new HostException("'" + vm + "' has no snapshot named '" + name + "'"));
    }

    private static SnapshotInfo infoOf(ManagedVm m, SnapshotRecord r, SnapshotStore store) throws java.io.IOException {
        String parent = r.parent() == null ? null : store.byId(r.parent()).map(SnapshotRecord::name).orElse(r.parent());
        boolean current = store.current().map(r.id()::equals).orElse(false);
        return new SnapshotInfo(m.name, r.name(), r.id(), parent, r.created(), r.vmState(), r.fullMemory(), r.pages(),
                r.diskLayer() != null, current);
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                java.nio.file.Files.deleteIfExists(file);
            } catch (java.io.IOException ignored) {
                // a temporary file left behind is harmless
            }
        }
    }

    /**
     * An event in a VM's life: into its own history (the graph `vm history` draws) and into the
     * host's secure log (paper IV.C.4), which the VM's folder, an image or a backup never carries.
     */
    void journal(Path folder, String event, Map<String, ?> details) {
        VmHistory.append(folder, event, details);
        Map<String, String> text = new java.util.TreeMap<>();
        details.forEach((key, value) -> text.put(key, String.valueOf(value)));
        Object actor = details.get("actor");
        text.remove("actor");
        secureLog.append(folder.getFileName().toString(), event, actor == null ? "host" : actor.toString(), text);
    }

    @Override
    public hvlab.vmm.vmi.VmiResult vmi(String vm, hvlab.vmm.vmi.VmiRequest request, String actor) {
        lock.lock();
        try {
            ManagedVm managed = find(vm);
            boolean intervening = request instanceof hvlab.vmm.vmi.VmiRequest.Write || request instanceof hvlab.vmm.vmi.VmiRequest.RestoreGate;
            profile.require(intervening ? HostProfile.Power.INTERVENE : HostProfile.Power.LOOK, name,
                    (intervening ? "change" : "look inside") + " '" + vm + "'");
            requireOpenBox(managed); // Terra's closed box: its measured policy forbids looking inside
            if (managed.vm == null || !managed.state.active()) {
                throw new HostException("cannot look inside '" + vm + "': it is " + managed.state.label() + " (start it first)");
            }
            awaitOffCpuStillThere(managed, "look inside it");
            return introspector.handle(managed, request, actor);
        } catch (IllegalArgumentException e) {
            throw new HostException(e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int serveGdb(String vm, int port, String actor) {
        lock.lock();
        try {
            ManagedVm managed = find(vm);
            profile.require(HostProfile.Power.INTERVENE, name, "attach a debugger to '" + vm + "'");
            requireOpenBox(managed); // a debugger reads and writes everything: the closed box forbids it
            if (managed.vm == null || !managed.state.active()) {
                throw new HostException("cannot debug '" + vm + "': it is " + managed.state.label() + " (start it first)");
            }
            int listening = gdbServers.serve(managed, port);
            journal(store.folder(vm), "gdb-stub", Map.of("port", listening, "actor", actor));
            return listening;
        } finally {
            lock.unlock();
        }
    }

    /** The VM named {@code vm} (for the debugger, which works with the host's lock held). */
    ManagedVm managedVm(String vm) {
        return find(vm);
    }

    @Override
    public List<hvlab.vmm.log.LogRecord> secureLog() {
        try {
            return SecureLog.read(store.root());
        } catch (java.io.IOException e) {
            throw new HostException("cannot read the secure log: " + VmStore.reason(e));
        }
    }

    @Override
    public hvlab.vmm.log.LogVerifier.Verdict verifySecureLog() {
        try {
            return hvlab.vmm.log.LogVerifier.verify(store.root());
        } catch (java.io.IOException e) {
            throw new HostException("cannot verify the secure log: " + VmStore.reason(e));
        }
    }

    @Override
    public void audit(String actor, String command, String outcome) {
        secureLog.append("", "command", actor, Map.of("command", command, "outcome", outcome));
    }

    @Override
    public AutoCloseable subscribe(Consumer<LifecycleEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /**
     * SHA-256 of the VM's RAM, read through the one door to guest memory (the VM must be off the
     * CPUs: paused, say). For isolation tests, and a first taste of introspection.
     */
    String ramDigest(String vm) {
        lock.lock();
        try {
            ManagedVm managed = find(vm);
            requireOpenBox(managed);
            if (managed.vm == null) {
                throw new HostException("'" + vm + "' has no memory: it is " + managed.state.label());
            }
            awaitOffCpuStillThere(managed, "hash its memory");
            var ram = managed.vm.ram();
            var digest = java.security.MessageDigest.getInstance("SHA-256");
            for (long at = 0; at < ram.size(); at += 1 << 20) {
                digest.update(ram.readBytes(at, (int) Math.min(1 << 20, ram.size() - at)));
            }
            return java.util.HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs one guest to its end on this host, outside the store: {@code hv run}. The VM is
     * scheduled like any other, but on virtual time (see {@link ManagedVm#ephemeral}); when
     * {@code config.timeout()} passes first, it is powered off and the result says so.
     */
    public hvlab.vmm.VmResult runToEnd(hvlab.vmm.VmConfig config, java.util.function.IntConsumer console) {
        return runToEnd(config, console, name -> { });
    }

    /**
     * The same, telling {@code running} the VM's name once it runs, so that the caller can type
     * into it with {@link #send} (the terminal of {@code hv run hvos}).
     */
    public hvlab.vmm.VmResult runToEnd(hvlab.vmm.VmConfig config, java.util.function.IntConsumer console,
                                       Consumer<String> running) {
        lock.lock();
        try {
            long now = System.nanoTime();
            String id = "run-" + Long.toHexString(now);
            VmDefinition definition = new VmDefinition(id, Identity.newUuid(), config.image().name(),
                    config.memoryBytes(), config.mode().label(), null, VmSpec.DEFAULT_WEIGHT, 0, Instant.now(),
                    Identity.newMac(), Identity.newGenerationId());
            ManagedVm managed = addVm(definition, now);
            managed.ephemeral = true;
            Vm vm = new Vm(config.platform().tpm() != null ? config
                    : config.withPlatform(VmTpms.ephemeral(this, config.image().name(), config.platform())), console, managed.console);
            vm.boot();
            managed.startedAt = System.nanoTime();
            managed.vm = vm;
            managed.state = VmLifecycle.RUNNING;
            wake(managed);
            running.accept(id);
            long deadline = config.timeout().isZero() ? Long.MAX_VALUE : now + config.timeout().toNanos();
            try {
                while (managed.result == null) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        managed.result = vm.result(new VmExit.Timeout(config.timeout().toMillis()),
                                (System.nanoTime() - now) / 1_000_000);
                        lifecycle.apply(managed, PowerAction.POWEROFF, "timeout");
                        break;
                    }
                    changed.awaitNanos(Math.min(left, IDLE_WAIT_NANOS));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                lifecycle.apply(managed, PowerAction.POWEROFF, "interrupted");
                throw new HostException("interrupted while the guest ran");
            } finally {
                if (managed.vm != null) {
                    lifecycle.apply(managed, PowerAction.POWEROFF, "host");
                }
                forget(managed);
            }
            return managed.result;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ReplayControl replay() {
        return recordings;
    }

    HostRecordings recordings() {
        return recordings;
    }

    Lifecycle lifecycle() {
        return lifecycle;
    }

    @Override
    public NetworkControl network() {
        return networkCommands;
    }

    @Override
    public hvlab.vmm.devices.PlatformOptions.DiskLimits diskLimits(String vm) {
        lock.lock();
        try {
            return DiskLimitsFile.read(store.folder(find(vm).name));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public hvlab.vmm.devices.PlatformOptions.DiskLimits limitDisk(String vm, hvlab.vmm.devices.PlatformOptions.DiskLimits limits,
                                                                String actor) {
        lock.lock();
        try {
            ManagedVm managed = find(vm);
            DiskLimitsFile.write(store.folder(managed.name), limits);
            journal(store.folder(managed.name), "disk-limit", Map.of("bytesPerSecond", limits.bytesPerSecond(),
                    "operationsPerSecond", limits.operationsPerSecond(), "actor", actor));
            return limits;
        } finally {
            lock.unlock();
        }
    }

    /** The switch and its ports, for the lifecycle that plugs machines in and out. */
    HostNetwork hostNetwork() {
        return network;
    }

    // ---- what the lifecycle needs from the host ---------------------------------------------

    /** Runs {@code work} with the host's lock held. */
    <T> T locked(java.util.function.Supplier<T> work) {
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    /** The VM of that name (the lock held), or the one-line error. */
    ManagedVm managed(String vm) {
        return find(vm);
    }

    /** Every VM here but those of {@code hv run} (the lock held). */
    List<ManagedVm> managedVms() {
        return vms.values().stream().filter(m -> !m.ephemeral).toList();
    }

    /** Tells the host's listeners (the UI) of an event in {@code vm}'s life that is not a change of state. */
    void announce(String vm, String actor, String detail) {
        LifecycleEvent event = new LifecycleEvent(Instant.now(), name, vm, null, null, actor, detail);
        for (Consumer<LifecycleEvent> listener : listeners) {
            eventThread.execute(() -> listener.accept(event));
        }
    }

    ManagedVm addVm(VmDefinition definition, long now) {
        ManagedVm managed = new ManagedVm(definition, MEASURING_WINDOW.toNanos(), now);
        vms.put(definition.name(), managed);
        scheduler.add(definition.name(), definition.weight(), definition.cap());
        return managed;
    }

    void forget(ManagedVm managed) {
        vms.remove(managed.name);
        scheduler.remove(managed.name);
    }

    CreditScheduler scheduler() {
        return scheduler;
    }

    ReentrantLock lock() {
        return lock;
    }

    /** Waits (holding the lock, released while waiting) until the VM is off every CPU. */
    /**
     * As {@link #awaitOffCpu}, for work that needs the machine afterwards: the wait lets the VM's
     * slice finish, and its guest may end in that slice (a debug exit, a triple fault), which
     * takes the machine away. Then the work cannot be done, and this says why.
     */
    void awaitOffCpuStillThere(ManagedVm managed, String work) {
        awaitOffCpu(managed);
        if (managed.vm == null) {
            throw new HostException("'" + managed.name + "' ended while the host waited to " + work + ": it is "
                    + managed.state.label() + (managed.lastExit == null ? "" : " (" + managed.lastExit + ")"));
        }
    }

    /** Before a machine of this store runs: this process must be the one that runs the store's VMs. */
    void claimStore(String vm) {
        storeLock.claim(vm);
    }

    void awaitOffCpu(ManagedVm managed) {
        while (managed.onCpu) {
            managed.vm.requestStop();
            changed.awaitUninterruptibly();
        }
    }

    /** Makes a halted or newly started VM a candidate for the CPUs again. */
    void wake(ManagedVm managed) {
        managed.halted = false;
        managed.wakeAt = Long.MAX_VALUE;
        scheduler.setWants(managed.name, managed.runnable(), System.nanoTime());
        changed.signalAll();
    }

    void signalChange() {
        changed.signalAll();
    }

    void publish(ManagedVm managed, VmLifecycle from, VmLifecycle to, String actor, String detail) {
        if (from == VmLifecycle.DEFINED || from == null) {
            introspector.forget(managed.name); // booted afresh: a new kernel, a new baseline
        }
        if (managed.ephemeral) {
            return;
        }
        if (to != null) {
            journal(store.folder(managed.name), historyEvent(from, to),
                    Map.of("from", from == null ? "" : from.label(), "to", to.label(), "actor", actor, "detail", detail));
        }
        LifecycleEvent event = new LifecycleEvent(Instant.now(), name, managed.name, from == null ? null : from.label(),
                to == null ? "undefined" : to.label(), actor, detail);
        for (Consumer<LifecycleEvent> listener : listeners) {
            eventThread.execute(() -> {
                try {
                    listener.accept(event);
                } catch (RuntimeException ignored) {
                    // a listener's failure is its own; the host goes on
                }
            });
        }
    }

    /** The name a lifecycle change has in a VM's history. */
    private static String historyEvent(VmLifecycle from, VmLifecycle to) {
        if (from == null) return "created";
        return switch (to) {
            case RUNNING -> from == VmLifecycle.PAUSED ? "resumed" : from == VmLifecycle.RUNNING ? "reset" : "started";
            case PAUSED -> from == VmLifecycle.DEFINED ? "started" : "paused";
            case SHUTTING_DOWN -> "shutdown";
            case CRASHED -> "crashed";
            case DEFINED -> "stopped";
        };
    }

    /**
     * The whole VM at one consistent moment (a {@link VmBundle}): its definition, image, disk
     * flattened into one raw file, and, if it is running or paused, its machine and memory. A
     * running VM is taken off the CPUs only for as long as that takes.
     */
    public VmBundle capture(String vm) {
        profile.require(HostProfile.Power.TAKE_IMAGE, name, "copy the image of '" + vm + "' (export, backup, clone)");
        lock.lock();
        ManagedVm managed = find(vm);
        boolean wasWanted = managed.runnable();
        try {
            scheduler.setWants(managed.name, false, System.nanoTime());
            if (managed.vm != null) {
                awaitOffCpuStillThere(managed, "capture it");
            }
            return Capture.of(this, managed);
        } finally {
            if (wasWanted && managed.runnable()) {
                scheduler.setWants(managed.name, true, System.nanoTime());
                changed.signalAll();
            }
            lock.unlock();
        }
    }

    /**
     * Takes in a VM captured elsewhere (an import, a restore), as {@code name} (null: its own
     * name). It keeps its identity; if another VM here has the same one, both are marked, since
     * two machines now claim to be the same one (paper IV.E.1). A bundle with a machine state
     * resumes where it was at its next start.
     */
    public VmInfo install(VmBundle bundle, String name, String actor, String event) {
        return install(bundle, name, actor, event, bundle.definition().name());
    }

    /** As {@link #install(VmBundle, String, String, String)}; {@code from} names the VM it came from in the history. */
    private VmInfo install(VmBundle bundle, String name, String actor, String event, String from) {
        String as = name == null ? bundle.definition().name() : name;
        VmStore.checkName(as);
        lock.lock();
        try {
            if (vms.containsKey(as) || store.exists(as)) {
                throw new HostException("a VM named '" + as + "' already exists");
            }
            VmDefinition definition = Capture.install(store, bundle, as);
            recordReference(definition);
            ManagedVm managed = addVm(definition, System.nanoTime());
            journal(store.folder(as), event, Map.of("actor", actor, "from", from));
            publish(managed, null, VmLifecycle.DEFINED, actor, event + " of " + bundle.definition().name());
            noticeDuplicates(managed);
            return infoOf(managed, System.nanoTime());
        } finally {
            lock.unlock();
        }
    }

    /** Is there a VM of this name on this host? */
    public boolean hasVm(String vm) {
        lock.lock();
        try {
            return vms.containsKey(vm);
        } finally {
            lock.unlock();
        }
    }

    /** The source half of a live migration of running VM {@code vm} (see {@link LiveExport}). */
    public LiveExport exportLive(String vm) {
        return exportLive(vm, false);
    }

    /** As {@link #exportLive(String)}; {@code withDisk}: the caller copies the VM's disk too ({@link LiveExport#disk}). */
    public LiveExport exportLive(String vm, boolean withDisk) {
        profile.require(HostProfile.Power.MIGRATE_OUT, name, "migrate '" + vm + "' away");
        lock.lock();
        try {
            return new LiveExport(this, find(vm), withDisk);
        } finally {
            lock.unlock();
        }
    }

    /** Starts replicating running VM {@code vm} to a backup, Remus's way (see {@link Checkpointing}). */
    public Checkpointing replicate(String vm) {
        lock.lock();
        try {
            return new Checkpointing(this, find(vm));
        } finally {
            lock.unlock();
        }
    }

    /**
     * The target half of a live migration, first step, while the VM still runs at the source:
     * defines it here (definition, image and history in the store, its reference measurements,
     * its vTPM) and builds its machine, shut off, so that the pause later has less to wait for:
     * {@link #arrivingPage} fills its RAM as pages come, {@link #arrive} takes up the machine state.
     * If the migration fails instead, {@link #abandonArrival}.
     */
    public VmInfo prepareArrival(VmDefinition definition, byte[] image, List<String> history) {
        return prepareArrival(definition, image, history, 0);
    }

    /**
     * As above, for a VM with a disk of {@code diskBytes} (0: none): the disk starts as zeros
     * (a sparse file) and fills as {@link #arrivingDisk} chunks come, before the machine runs.
     */
    public VmInfo prepareArrival(VmDefinition definition, byte[] image, List<String> history, long diskBytes) {
        if (diskBytes < 0 || diskBytes > MAX_ARRIVING_DISK) {
            throw new HostException("a disk of " + diskBytes + " bytes (at most " + (MAX_ARRIVING_DISK >> 30) + " GiB arrives)");
        }
        if ((diskBytes > 0) != (definition.disk() != null)) {
            throw new HostException("the offered VM's definition and its disk do not agree");
        }
        Path emptyDisk = null;
        if (diskBytes > 0) {
            try {
                emptyDisk = java.nio.file.Files.createTempFile("hvlab-arriving", ".img");
                try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(emptyDisk.toFile(), "rw")) {
                    f.setLength(diskBytes);
                }
            } catch (java.io.IOException e) {
                throw new HostException("no room for the arriving disk: " + e.getMessage());
            }
        }
        try {
            return prepareArrival(definition, image, history, emptyDisk);
        } finally {
            if (emptyDisk != null) {
                try {
                    java.nio.file.Files.deleteIfExists(emptyDisk);
                } catch (java.io.IOException ignored) {
                    // a temporary file left behind
                }
            }
        }
    }

    /** Disks larger than this are refused at the offer. */
    public static final long MAX_ARRIVING_DISK = 4L << 30;

    /** One chunk of an arriving VM's disk, written before the machine runs. */
    public void arrivingDisk(String vm, long offset, byte[] data) {
        lock.lock();
        try {
            ManagedVm managed = find(vm);
            if (managed.arriving == null || managed.definition.disk() == null) {
                throw new HostException("'" + vm + "' is not arriving with a disk");
            }
            Path disk = VmCreation.diskPath(store.folder(vm), managed.definition.disk());
            try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(disk.toFile(), "rw")) {
                if (offset < 0 || data.length > f.length() || offset > f.length() - data.length) {
                    throw new HostException("a disk chunk at " + offset + " (" + data.length + " bytes) outside the " + f.length() + "-byte disk");
                }
                f.seek(offset);
                f.write(data);
            } catch (java.io.IOException e) {
                throw new HostException("cannot write the arriving disk: " + e.getMessage());
            }
        } finally {
            lock.unlock();
        }
    }

    private VmInfo prepareArrival(VmDefinition definition, byte[] image, List<String> history, Path disk) {
        String as = definition.name();
        VmStore.checkName(as);
        lock.lock();
        try {
            if (vms.containsKey(as) || store.exists(as)) {
                throw new HostException("a VM named '" + as + "' already exists on host " + name);
            }
            VmDefinition installed = Capture.install(store, new VmBundle(definition, image, disk, null, null, false, history), as);
            recordReference(installed);
            ManagedVm managed = addVm(installed, System.nanoTime());
            try {
                managed.arriving = lifecycle.buildMachine(managed);
            } catch (RuntimeException e) {
                forget(managed);
                store.delete(as);
                throw e instanceof HostException h ? h : new HostException("cannot build a machine for '" + as + "': " + e.getMessage());
            }
            return infoOf(managed, System.nanoTime());
        } finally {
            lock.unlock();
        }
    }

    /** One page of an arriving VM's RAM (a later copy of a page overwrites the earlier one). */
    public void arrivingPage(String vm, int page, byte[] data) {
        lock.lock();
        try {
            ManagedVm managed = find(vm);
            if (managed.arriving == null) {
                throw new HostException("'" + vm + "' is not arriving");
            }
            managed.arriving.ram().writeBytes((long) page * hvlab.vmm.snapshot.PageSet.PAGE, data);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The target half of a live migration, last step: the VM prepared by {@link #prepareArrival},
     * its RAM already filled, takes up its machine state (CPU, virtual CPU, devices) and waits off
     * the CPUs. Then {@link #runArrived} once the source agrees, or {@link #abandonArrival}.
     */
    public void arrive(String vm, byte[] machine, List<String> history) {
        arrive(vm, machine, history, null);
    }

    /**
     * The key this host's TPM makes for the vTPM of arriving VM {@code vm} (one per arrival): the
     * source seals the vTPM to it at the stop ({@link LiveExport#sealVtpm}).
     */
    public hvlab.vmm.tpm.VtpmTransfer.ImportKey vtpmImportKey(String vm) {
        lock.lock();
        try {
            ManagedVm managed = find(vm);
            if (managed.arriving == null) {
                throw new HostException("'" + vm + "' is not arriving");
            }
            managed.vtpmImporter = attestation.vtpmImporter(vm);
            return managed.vtpmImporter.offered();
        } finally {
            lock.unlock();
        }
    }

    /**
     * As {@link #arrive(String, byte[], List)}, with the VM's own vTPM sealed to this host's TPM
     * ({@code vtpm}; null: the VM gets a new vTPM here). A vTPM that does not open is refused and
     * nothing is taken up.
     */
    public void arrive(String vm, byte[] machine, List<String> history, byte[] vtpm) {
        lock.lock();
        try {
            ManagedVm managed = find(vm);
            if (managed.arriving == null) {
                throw new HostException("'" + vm + "' is not arriving");
            }
            if (vtpm != null) {
                if (managed.vtpmImporter == null) {
                    throw new HostException("the vTPM of '" + vm + "' came, but this host made no key for it");
                }
                try {
                    managed.vtpmArrived = managed.vtpmImporter.open(vtpm, vm, HostAttestation.counters(store.folder(vm)));
                } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
                    throw new HostException("refused the vTPM of '" + vm + "': " + e.getMessage());
                } finally {
                    managed.vtpmImporter = null; // one blob per key
                }
            }
            if (!history.equals(VmHistory.lines(store.folder(vm)))) {
                VmHistory.write(store.folder(vm), history); // the source wrote something since the offer
            }
            Vm machineHere = managed.arriving;
            managed.arriving = null;
            lifecycle.takeUp(managed, machineHere, ram -> hvlab.vmm.state.VmStateCodec.decode(machine, ram), true);
        } catch (java.io.IOException e) {
            throw new HostException("cannot write the history of '" + vm + "': " + VmStore.reason(e));
        } catch (IllegalArgumentException e) {
            throw new HostException("cannot take up the machine of '" + vm + "': " + e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    /** A migration that did not arrive: its machine closed, its definition removed, as if it never came. */
    public void abandonArrival(String vm) {
        lock.lock();
        try {
            ManagedVm managed = vms.get(vm);
            if (managed == null) {
                return;
            }
            if (managed.arriving != null) {
                managed.arriving.close();
                managed.arriving = null;
            }
            if (managed.vm != null) {
                lifecycle.apply(managed, PowerAction.POWEROFF, "migration");
            }
            lifecycle.apply(managed, PowerAction.UNDEFINE, "migration");
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs a VM that {@link #arrive}d: from here its downtime is over. Nothing is written to disk
     * here (the events come with {@link #recordArrival}, once the guest runs again).
     */
    public void runArrived(String vm) {
        lock.lock();
        try {
            ManagedVm managed = find(vm);
            if (managed.vm == null || managed.state != VmLifecycle.PAUSED) {
                throw new HostException("'" + vm + "' is " + managed.state.label() + ", not waiting to run after a migration");
            }
            long now = System.nanoTime();
            managed.clockSyncedAt += now - managed.pausedAt; // the pause was not the guest's time
            managed.state = VmLifecycle.RUNNING;
            wake(managed);
        } finally {
            lock.unlock();
        }
    }

    /** The arrival's events, in its history, the secure log and to listeners, after the VM runs again. */
    public void recordArrival(String vm, String actor, String from) {
        lock.lock();
        try {
            ManagedVm managed = find(vm);
            journal(store.folder(vm), "migrated", Map.of("actor", actor, "from", from, "to", name));
            if (managed.vtpmArrived != null) {
                hvlab.vmm.tpm.Tpm vtpm = managed.vtpmArrived.tpm();
                journal(store.folder(vm), "vtpm-migrated", Map.of("from", from, "vtpm", vtpm.name(),
                        "endorsement", hvlab.vmm.tpm.Sha256.hex(hvlab.vmm.tpm.Sha256.of(vtpm.endorsementKey().getEncoded())).substring(0, 16),
                        "counters", managed.vtpmArrived.counters().size()));
                managed.vtpmArrived = null;
            }
            publish(managed, VmLifecycle.DEFINED, managed.state, actor, "arrived from " + from);
        } finally {
            lock.unlock();
        }
    }

    /** The other VMs here that claim {@code managed}'s identity (its UUID). */
    List<String> sameIdentity(ManagedVm managed) {
        return vms.values().stream().filter(m -> m != managed && !m.ephemeral
                && m.definition.uuid().equals(managed.definition.uuid())).map(m -> m.name).toList();
    }

    private void noticeDuplicates(ManagedVm managed) {
        List<String> twins = sameIdentity(managed);
        if (!twins.isEmpty()) {
            String detail = "has the same identity (UUID " + managed.definition.uuid() + ") as " + String.join(", ", twins);
            journal(store.folder(managed.name), "duplicate-identity", Map.of("with", twins));
            for (String twin : twins) {
                journal(store.folder(twin), "duplicate-identity", Map.of("with", List.of(managed.name)));
            }
            LifecycleEvent event = new LifecycleEvent(Instant.now(), name, managed.name, null, null, "host", detail);
            for (Consumer<LifecycleEvent> listener : listeners) {
                eventThread.execute(() -> listener.accept(event));
            }
        }
    }

    /** What a newly defined VM should measure at boot, from its image as stored now. */
    private void recordReference(VmDefinition definition) {
        Path folder = store.folder(definition.name());
        try {
            attestation.recordReference(definition, java.nio.file.Files.readAllBytes(folder.resolve(VmStore.IMAGE)), folder);
        } catch (java.io.IOException e) {
            throw new HostException("cannot read the image of '" + definition.name() + "': " + VmStore.reason(e));
        }
    }

    /**
     * Terra's closed box: every way the VMM offers to look inside a VM (reading its memory, and
     * later introspection) calls this first. The VM's choice was measured into its vTPM (PCR 5),
     * so a verifier that trusts this VMM knows the promise is kept.
     */
    void requireOpenBox(ManagedVm managed) {
        if (managed.definition.closedBox()) {
            throw new HostException("'" + managed.name + "' is a closed-box VM: its policy, measured into its vTPM, forbids introspection");
        }
    }

    HostAttestation attestation() {
        return attestation;
    }

    @Override
    public TpmReport tpm(String target) {
        if (target.equals(name)) {
            return attestation.hostReport();
        }
        lock.lock();
        try {
            ManagedVm managed = find(target);
            VmTpms.Measured vtpm = VmTpms.measured(this, managed);
            return HostAttestation.report(target, vtpm.tpm(), vtpm.note());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public AttestationReport attest(String target, byte[] nonce, hvlab.vmm.attestation.ReferencePolicy policy) {
        if (nonce.length == 0 || nonce.length > hvlab.vmm.tpm.Tpm.MAX_NONCE) {
            throw new HostException("a nonce has 1 to " + hvlab.vmm.tpm.Tpm.MAX_NONCE + " bytes");
        }
        if (target.equals(name)) {
            return attestation.attestHost(nonce, policy);
        }
        lock.lock();
        try {
            ManagedVm managed = find(target);
            VmTpms.Measured vtpm = VmTpms.measured(this, managed);
            AttestationReport report = attestation.attestVm(target, vtpm.tpm(), store.folder(target), nonce, policy, vtpm.note());
            recordAttestation(managed, report.verdict());
            return report;
        } finally {
            lock.unlock();
        }
    }

    /** A verdict is an event of the VM's life: in its history and the secure log, and to the host's listeners (the UI). */
    private void recordAttestation(ManagedVm managed, hvlab.vmm.attestation.Verdict verdict) {
        List<String> reasons = verdict.refusals().stream().map(Object::toString).toList();
        journal(store.folder(managed.name), "attested", Map.of("trusted", verdict.trusted(), "reasons", reasons, "actor", "verifier"));
        String detail = verdict.trusted() ? "attested: trusted" : "attested: untrusted, " + reasons.getFirst();
        LifecycleEvent event = new LifecycleEvent(Instant.now(), name, managed.name, null, null, "verifier", detail);
        for (Consumer<LifecycleEvent> listener : listeners) {
            eventThread.execute(() -> listener.accept(event));
        }
    }

    @Override
    public hvlab.vmm.attestation.ReferencePolicy acceptMeasurements(String target) {
        if (target.equals(name)) {
            return attestation.acceptHost();
        }
        lock.lock();
        try {
            ManagedVm managed = find(target);
            return attestation.acceptVm(target, VmTpms.measured(this, managed).tpm(), store.folder(target));
        } finally {
            lock.unlock();
        }
    }

    ManagedVm find(String vm) {
        ManagedVm managed = vms.get(vm);
        if (managed == null) {
            throw new HostException("no VM named '" + vm + "' on host " + name);
        }
        return managed;
    }

    private VmInfo infoOf(ManagedVm m, long now) {
        VmDefinition d = m.definition;
        Vm vm = m.vm;
        double share = m.meter.share(now);
        Map<String, Long> traps = vm == null ? m.lastTraps : vm.counters().byLabel();
        long virtualMillis = (vm == null ? m.lastVirtualNanos : vm.virtualNanos()) / 1_000_000;
        return new VmInfo(d.name(), d.uuid(), name, m.state.label(), d.guest(), d.mode(), d.memoryBytes(), d.disk(),
                d.weight(), d.cap(), share, share * HostSpeed.aluMips(), m.meter.total() / 1_000_000,
                scheduler.throttledNanos(d.name(), now) / 1_000_000, traps, m.lastExit, virtualMillis, sameIdentity(m),
                d.network(), d.mac() != null ? d.mac() : Identity.macFor(d.name()), d.ifMirror(), pagingOf(vm),
                pagingOf(vm).isEmpty() ? "" : vm.mmu().scheme(), vm == null ? 0 : vm.readsAnswered());
    }

    /** The shadow MMU's counters of a running paging guest, or none. */
    private static Map<String, Long> pagingOf(Vm vm) {
        if (vm == null || vm.mmu() == null || vm.mmu().counters().hiddenFaults() == 0) {
            return Map.of();
        }
        return vm.mmu().counters().byLabel();
    }

    // ---- the worker threads -----------------------------------------------------------------

    /** A worker: pick a VM, run one slice of it, account for it, again. */
    private void work() {
        while (!closed) {
            ManagedVm managed;
            CreditScheduler.Pick pick;
            long started;
            lock.lock();
            try {
                started = System.nanoTime();
                wakeTimedOut(started);
                pick = scheduler.pick(started);
                managed = pick == null ? null : vms.get(pick.id());
                if (managed == null || !managed.runnable()) {
                    if (pick != null) {
                        scheduler.charge(pick.id(), 0, started);
                        scheduler.setWants(pick.id(), false, started);
                    }
                    changed.awaitNanos(idleWait(started));
                    continue;
                }
                managed.onCpu = true;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            SliceResult result = runOneSlice(managed, pick.sliceNanos(), started);
            lock.lock();
            try {
                long ended = System.nanoTime();
                managed.onCpu = false;
                scheduler.charge(managed.name, result.nanos(), ended);
                managed.meter.add(result.nanos(), ended);
                lifecycle.afterSlice(managed, result, ended);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Runs one slice with the VM's clock brought up to real time first and after. Never throws. */
    private SliceResult runOneSlice(ManagedVm managed, long sliceNanos, long started) {
        Vm vm = managed.vm;
        try {
            if (managed.ephemeral) {
                return vm.runSlice(Duration.ofNanos(sliceNanos)); // its clock is the CPU time it gets
            }
            vm.advanceClock(started - managed.clockSyncedAt);
            managed.clockSyncedAt = started;
            SliceResult result = vm.runSlice(Duration.ofNanos(sliceNanos));
            long now = System.nanoTime();
            vm.advanceClock(now - managed.clockSyncedAt);
            managed.clockSyncedAt = now;
            return result;
        } catch (Throwable bug) {
            // A failure inside the VMM for this VM ends this VM only.
            return new SliceResult.Ended(System.nanoTime() - started,
                    new VmExit.CpuError("internal error in the VMM: " + bug));
        }
    }

    /** Halted VMs whose timer has come due want the CPU again. */
    private void wakeTimedOut(long now) {
        for (ManagedVm m : vms.values()) {
            if (m.halted && m.wakeAt <= now && m.state.active() && m.state != VmLifecycle.PAUSED) {
                wake(m);
            }
        }
    }

    /** How long an idle worker sleeps: until the next timer due, a capped VM's budget, or a while. */
    private long idleWait(long now) {
        long wait = IDLE_WAIT_NANOS;
        for (ManagedVm m : vms.values()) {
            if (m.halted && m.state.active() && m.wakeAt != Long.MAX_VALUE) {
                wait = Math.min(wait, Math.max(0, m.wakeAt - now));
            }
        }
        long throttled = scheduler.nanosUntilUnthrottled(now);
        if (throttled >= 0) {
            wait = Math.min(wait, throttled);
        }
        return Math.max(wait, 100_000);
    }

    /** Powers every VM off and stops the workers. The definitions stay in the store. */
    @Override
    public void close() {
        gdbServers.close();
        networkCommands.close();
        lock.lock();
        try {
            for (ManagedVm m : new ArrayList<>(vms.values())) {
                if (m.state.active()) {
                    lifecycle.apply(m, PowerAction.POWEROFF, "host");
                }
            }
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        for (Thread worker : workers) {
            try {
                worker.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        eventThread.shutdown();
        storeLock.close();
        try {
            secureLog.close();
        } catch (java.io.IOException ignored) {
            // every record was forced to disk when it was written
        }
        if (temporaryStore != null) {
            try (var files = java.nio.file.Files.walk(temporaryStore)) {
                for (Path path : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    java.nio.file.Files.deleteIfExists(path);
                }
            } catch (java.io.IOException ignored) {
                // a temporary folder left behind is harmless
            }
        }
    }

    static ExecutionMode modeOf(VmDefinition definition) {
        return ExecutionMode.parse(definition.mode());
    }
}
