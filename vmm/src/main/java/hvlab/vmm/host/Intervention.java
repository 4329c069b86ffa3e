package hvlab.vmm.host;

import hvlab.vmm.memory.GuestRam;
import hvlab.vmm.vmi.GuestProcess;
import hvlab.vmm.vmi.IdtGate;
import hvlab.vmm.vmi.Introspection;
import hvlab.vmm.vmi.KernelBaseline;
import hvlab.vmm.vmi.OsProfile;
import hvlab.vmm.vmi.ProcessTable;
import hvlab.vmm.vmi.VmiResult;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Intervention (paper IV.C.9): the VMM changes a guest's memory to undo what malware did or to
 * stop it, from outside, while the VM is held off the CPU. Every change goes through the one door
 * to guest RAM and into the VM's history and the host's secure log, with the value before and
 * after and SHA-256 of the memory changed, before and after: what was undone stays provable,
 * and so does what an administrator did to a guest (the same power serves an attacker in the
 * VMM, which is why the log records who).
 */
final class Intervention {
    private final Host host;
    private final ManagedVm m;
    private final Introspection view;
    private final String actor;

    Intervention(Host host, ManagedVm m, Introspection view, String actor) {
        this.host = host;
        this.m = m;
        this.view = view;
        this.actor = actor;
    }

    /** Writes {@code bytes} at {@code address}. */
    VmiResult write(long address, byte[] bytes) {
        byte[] before = view.read(address, bytes.length);
        ram().writeBytes(address, bytes);
        flush();
        return logged(String.format("%d bytes at 0x%08x", bytes.length, address), hex(before), hex(bytes), before,
                view.read(address, bytes.length));
    }

    /** Puts the IDT gate at {@code at} back as {@code good} says. */
    VmiResult restoreGate(long at, IdtGate good) {
        String before = view.idt().stream().filter(g -> g.vector() == good.vector()).findFirst().map(IdtGate::describe).orElse("absent");
        byte[] old = view.read(at, 8);
        int low = (good.selector() << 16) | (int) (good.offset() & 0xFFFF);
        int high = (int) (good.offset() & 0xFFFF0000L) | (1 << 15) | (good.dpl() << 13) | (good.type() << 8);
        ram().write(at, 4, low);
        ram().write(at + 4, 4, high);
        flush();
        return logged(String.format("IDT gate 0x%02x", good.vector()), before, good.describe(), old, view.read(at, 8));
    }

    /** Puts system call {@code number} back as the kernel baseline has it. */
    VmiResult restoreSyscall(OsProfile profile, KernelBaseline baseline, int number) {
        if (number < 0 || number >= Math.min(profile.syscallCount(), baseline.syscalls().length)) {
            throw new HostException("'" + m.name + "' has system calls 0 to " + (profile.syscallCount() - 1) + ", not " + number);
        }
        long table = profile.syscallTable();
        int length = profile.syscallCount() * 4;
        byte[] old = view.read(table, length);
        long at = table + 4L * number;
        long was = Integer.toUnsignedLong(ram().read(at, 4));
        long good = baseline.syscalls()[number];
        ram().write(at, 4, (int) good);
        flush();
        return logged("system call " + number, profile.describe(was), profile.describe(good), old, view.read(table, length));
    }

    /**
     * Ends process {@code pid} the way its own kernel would: sets the kill flag in its table
     * entry, which hvos looks at whenever the process is about to return to user mode, and then
     * cleans up as for any exit (the parent's wait() collects it). A VMM that freed the slot
     * itself would leave the kernel's lists and the process's pages in a state no kernel code
     * expects; asking the kernel through its own flag keeps it consistent.
     */
    VmiResult kill(OsProfile profile, int pid) {
        if (!profile.canKill()) {
            throw new HostException("the OS profile of '" + m.name + "' names no 'killed' field: the VMM cannot ask this kernel to end a process");
        }
        GuestProcess target = ProcessTable.read(view, profile).stream().filter(p -> p.pid() == pid).findFirst()
                .orElseThrow(() -> new HostException("'" + m.name + "' has no process " + pid + " in its kernel's table (see 'vmi ps " + m.name + "')"));
        if (target.state().equals("zombie")) {
            throw new HostException("process " + pid + " (" + target.name() + ") of '" + m.name + "' has already ended: it waits for its parent");
        }
        long entry = profile.processTable() + (long) target.slot() * profile.entrySize();
        byte[] old = view.read(entry, profile.entrySize());
        long flag = entry + profile.killedOffset();
        int was = ram().read(flag, 4);
        ram().write(flag, 4, 1);
        flush();
        return logged(String.format("process %d (%s): its kill flag", pid, target.name()), Integer.toString(was), "1", old,
                view.read(entry, profile.entrySize()));
    }

    private VmiResult logged(String what, String before, String after, byte[] memoryBefore, byte[] memoryAfter) {
        String hashBefore = sha256(memoryBefore);
        String hashAfter = sha256(memoryAfter);
        host.journal(host.store().folder(m.name), "vmi-intervention", Map.of("what", what, "before", before, "after", after,
                "sha256-before", hashBefore, "sha256-after", hashAfter, "actor", actor));
        return new VmiResult.Changed(what, before, after, hashBefore, hashAfter);
    }

    /**
     * Drops the CPU's translations of what was written. The CPU is stopped here, so in a paging
     * guest they go where the emulator shows those frames now, instead of the whole cache before
     * the next run (6 s here, during which the guest stood still).
     */
    private void flush() {
        var mmu = m.vm.mmu();
        if (mmu == null) {
            ram().flushWrites();
            return;
        }
        if (!mmu.pagingEnabled()) {
            ram().flushWrites();
            return;
        }
        ram().flushWrites(mmu::dropCodeNow); // where the emulator shows those frames now
    }

    private GuestRam ram() {
        return m.vm.ram();
    }

    private static String hex(byte[] bytes) {
        return HexFormat.ofDelimiter(" ").formatHex(bytes);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
