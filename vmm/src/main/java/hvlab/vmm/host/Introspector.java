package hvlab.vmm.host;

import hvlab.vmm.state.VmState;
import hvlab.vmm.vmi.IntegrityBaseline;
import hvlab.vmm.vmi.Introspection;
import hvlab.vmm.vmi.Signature;
import hvlab.vmm.vmi.VmiRequest;
import hvlab.vmm.vmi.VmiResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The host's side of introspection and intervention (paper IV.C.7 and IV.C.9): takes the VM off
 * the CPU for as long as a request needs (the guest sees no instruction of difference), answers
 * from an {@link Introspection} of that moment, and writes every intervention, with the bytes
 * before and after, into the VM's history and the host's secure log.
 *
 * <p>The same power serves an attacker who controls the VMM (the paper's threat edge VMM -> VM):
 * whoever may run {@code vmi write} may change any byte of any guest, and no guest can tell.
 */
final class Introspector {
    private final Host host;
    /** Each VM's integrity baseline, from the first check (kept while the host runs). */
    private final Map<String, IntegrityBaseline> baselines = new ConcurrentHashMap<>();
    /** Each VM's kernel baseline (text and system-call table, through its OS profile). */
    private final Map<String, hvlab.vmm.vmi.KernelBaseline> kernelBaselines = new ConcurrentHashMap<>();

    Introspector(Host host) {
        this.host = host;
    }

    /** Called with the host's lock held and the VM off every CPU. */
    VmiResult handle(ManagedVm m, VmiRequest request, String actor) {
        VmState state = m.vm.save();
        Introspection view = new Introspection(m.vm.ram(), state.cpu(), state.vcpu());
        return switch (request) {
            case VmiRequest.Registers r -> new VmiResult.Registers(view.registers());
            case VmiRequest.Read r -> new VmiResult.Bytes(r.address(), view.read(r.address(), r.length()));
            case VmiRequest.Idt r -> new VmiResult.Idt(view.idt());
            case VmiRequest.Integrity r -> integrity(m.name, view, r.fresh());
            case VmiRequest.Scan r -> scan(view, r.signatures());
            case VmiRequest.RestoreGate r -> restoreGate(m, view, state, r.vector(), actor);
            case VmiRequest.Write r -> new Intervention(host, m, view, actor).write(r.address(), r.bytes());
            case VmiRequest.RestoreSyscall r -> restoreSyscall(m, view, r.profile(), r.number(), actor);
            case VmiRequest.Kill r -> new Intervention(host, m, view, actor).kill(r.profile(), r.pid());
            case VmiRequest.Watch r -> watch(m, r.spec());
            case VmiRequest.Unwatch r -> unwatch(m, r.watch());
            case VmiRequest.Processes r -> new VmiResult.Processes(r.profile().os(), hvlab.vmm.vmi.ProcessTable.read(view, r.profile()));
            case VmiRequest.KernelIntegrity r -> kernelIntegrity(m.name, view, r.profile(), r.fresh());
        };
    }

    /** A VM that starts again from its beginning has a new kernel: the old baseline means nothing. */
    void forget(String vm) {
        baselines.remove(vm);
        kernelBaselines.remove(vm);
    }

    private VmiResult kernelIntegrity(String vm, Introspection view, hvlab.vmm.vmi.OsProfile profile, boolean fresh) {
        hvlab.vmm.vmi.KernelBaseline baseline = fresh ? null : kernelBaselines.get(vm);
        if (baseline == null) {
            baseline = hvlab.vmm.vmi.KernelBaseline.take(view, profile);
            kernelBaselines.put(vm, baseline);
            return new VmiResult.KernelIntegrity(true, baseline.syscalls().length, List.of());
        }
        return new VmiResult.KernelIntegrity(false, baseline.syscalls().length, baseline.check(view, profile));
    }

    private VmiResult integrity(String vm, Introspection view, boolean fresh) {
        IntegrityBaseline baseline = fresh ? null : baselines.get(vm);
        if (baseline == null) {
            baseline = IntegrityBaseline.take(view);
            baselines.put(vm, baseline);
            return new VmiResult.Integrity(true, baseline.gates().size(), List.of());
        }
        return new VmiResult.Integrity(false, baseline.gates().size(), baseline.check(view));
    }

    private static VmiResult scan(Introspection view, List<Signature> signatures) {
        List<VmiResult.Match> matches = new ArrayList<>();
        for (Signature signature : signatures) {
            for (long address : view.search(signature.pattern(), 16)) {
                matches.add(new VmiResult.Match(signature.name(), address));
            }
        }
        return new VmiResult.Scan(signatures.size(), matches);
    }

    private VmiResult restoreGate(ManagedVm m, Introspection view, VmState state, int vector, String actor) {
        IntegrityBaseline baseline = baselines.get(m.name);
        if (baseline == null || !baseline.gates().containsKey(vector)) {
            throw new HostException(String.format("no baseline for vector 0x%02x of '%s': run 'vmi integrity %s' first,"
                    + " before anything changes", vector, m.name, m.name));
        }
        long at = state.vcpu().idtr().base() + vector * 8L;
        return new Intervention(host, m, view, actor).restoreGate(at, baseline.gates().get(vector));
    }

    /** Puts an {@link hvlab.vmm.vmi.EventWatch} in front of the VM's dispatcher; one observer of its traps at a time. */
    private static VmiResult watch(ManagedVm m, hvlab.vmm.vmi.EventWatch.Spec spec) {
        if (m.vm.trapHandler() != m.vm.dispatcher()) {
            throw new HostException("'" + m.name + "' is watched already, or a debugger is attached: one observer of its traps at a time");
        }
        var translator = m.vm.translator();
        var watch = new hvlab.vmm.vmi.EventWatch(spec, m.vm.dispatcher(), m.vm.cpu(), m.vm.virtualCpu(), m.vm.ram(), m.vm::virtualNanos,
                eip -> translator != null && translator.site(eip) != null);
        watch.arm(dropTranslation(m));
        m.vm.setTrapHandler(watch);
        return new VmiResult.Watching(watch);
    }

    /** Drops the CPU's translated code at a linear address, by its physical address in a paging guest (CPU stopped). */
    private static java.util.function.LongConsumer dropTranslation(ManagedVm m) {
        var mmu = m.vm.mmu();
        var cpu = m.vm.cpu();
        return eip -> {
            if (mmu == null) {
                cpu.invalidateTranslations(eip, 1);
            } else {
                mmu.dropTranslationsAt(eip, physical -> cpu.invalidateTranslations(physical, 1));
            }
        };
    }

    private static VmiResult unwatch(ManagedVm m, hvlab.vmm.vmi.EventWatch watch) {
        if (m.vm.trapHandler() == watch) {
            m.vm.setTrapHandler(watch.next());
            watch.disarm(dropTranslation(m));
        }
        return new VmiResult.Unwatched();
    }

    private VmiResult restoreSyscall(ManagedVm m, Introspection view, hvlab.vmm.vmi.OsProfile profile, int number, String actor) {
        hvlab.vmm.vmi.KernelBaseline baseline = kernelBaselines.get(m.name);
        if (baseline == null) {
            throw new HostException("no kernel baseline of '" + m.name + "': run 'vmi kernel " + m.name + "' first, before anything changes");
        }
        return new Intervention(host, m, view, actor).restoreSyscall(profile, baseline, number);
    }
}
