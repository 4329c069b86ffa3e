package hvlab.benchmarks;

import hvlab.cpu.GuestMemory;
import hvlab.vmm.Vm;
import hvlab.vmm.VmConfig;
import hvlab.vmm.snapshot.DirtyPageTracker;
import hvlab.vmm.snapshot.PageSet;
import hvlab.vmm.state.VmStateCodec;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * For {@link B09_Snapshot#create} and {@link B09_Snapshot#restore}: a booted VM with 16 MiB of RAM,
 * every page of it non-zero (the worst case: a full snapshot keeps them all), its dirty pages
 * watched by the {@link #tracker} named, and one full snapshot of it at hand to restore.
 */
@State(Scope.Thread)
public class SnapshotVm {
    @Param({"write-protect", "compare"})
    public String tracker;
    final VmConfig config = VmConfig.of(B01_GuestMips.image()).withMemory(B09_Snapshot.RAM);
    Vm vm;
    GuestMemory ram;
    DirtyPageTracker dirtyPages;
    byte[] machine;
    PageSet pages;

    @Setup
    public void boot() {
        vm = new Vm(config, b -> { });
        vm.boot();
        ram = vm.save().ram();
        ram.segment().fill((byte) 0xA5);
        dirtyPages = B09_Snapshot.track(tracker, ram);
        machine = VmStateCodec.encode(vm.save());
        pages = PageSet.fullOf(ram.segment());
    }

    @TearDown
    public void close() {
        dirtyPages.close();
        vm.close();
    }
}
