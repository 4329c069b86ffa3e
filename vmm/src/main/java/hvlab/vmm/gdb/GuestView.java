package hvlab.vmm.gdb;

import hvlab.cpu.CpuBackend;
import hvlab.cpu.Register;
import hvlab.vmm.VirtualCpu;
import hvlab.vmm.Vm;
import hvlab.vmm.paging.GuestPageTables;
import hvlab.vmm.paging.PageWalk;
import hvlab.vmm.state.CpuRegisters;

/**
 * A stopped VM as its guest kernel believes it is, which is what gdb must show: registers with
 * the virtual CPU's privilege level and IF rather than the real CPU's (the kernel runs at real
 * CPL 3, ring compression), and memory by virtual address, through the guest's own page tables
 * once it pages (gdb's addresses are the ones in the kernel's symbols). Only guest RAM is ever
 * reached: the VMM's region at 0xFFF00000 and its shadow tables are not the guest's, and an
 * address there is an error like any unmapped one. Call with the VM off every CPU.
 */
public final class GuestView {
    private static final int EFLAGS_IF = 1 << 9;
    private static final int EFLAGS_IOPL = 3 << 12;
    private final Vm vm;

    public GuestView(Vm vm) {
        this.vm = vm;
    }

    /** gdb's sixteen registers and the FPU; CS and SS carry the virtual CPL as their RPL, EFLAGS the virtual IF and IOPL. */
    public I386Registers registers() {
        CpuRegisters real = vm.save().cpu(); // the guest's registers even before its first instruction
        VirtualCpu v = vm.virtualCpu();
        int cpl = v.privilegeLevel();
        int flags = real.get(Register.EFLAGS) & ~(EFLAGS_IF | EFLAGS_IOPL);
        flags |= (v.interruptsEnabled() ? EFLAGS_IF : 0) | (v.iopl() << 12);
        int[] g = {real.get(Register.EAX), real.get(Register.ECX), real.get(Register.EDX), real.get(Register.EBX),
                real.get(Register.ESP), real.get(Register.EBP), real.get(Register.ESI), real.get(Register.EDI),
                real.get(Register.EIP), flags, (real.get(Register.CS) & 0xFFFC) | cpl, (real.get(Register.SS) & 0xFFFC) | cpl,
                real.get(Register.DS) & 0xFFFF, real.get(Register.ES) & 0xFFFF, real.get(Register.FS) & 0xFFFF,
                real.get(Register.GS) & 0xFFFF};
        return new I386Registers(g, real.fpu());
    }

    /**
     * Sets what a debugger may set: the general registers, EIP, the arithmetic and direction
     * flags, the virtual IF, the FPU. Segment registers and the system flags are the VMM's to
     * keep (a debugger that could load CS could leave ring 3); changes to them are refused.
     */
    public void setRegisters(I386Registers wanted) {
        I386Registers now = registers();
        int[] w = wanted.general();
        int[] n = now.general();
        for (int i = I386Registers.CS; i < I386Registers.GENERAL; i++) {
            if (w[i] != n[i]) {
                throw new DebugTarget.TargetException("segment registers cannot be changed from the debugger");
            }
        }
        CpuBackend cpu = vm.cpu();
        Register[] order = {Register.EAX, Register.ECX, Register.EDX, Register.EBX, Register.ESP, Register.EBP,
                Register.ESI, Register.EDI, Register.EIP};
        for (int i = 0; i < order.length; i++) {
            if (w[i] != n[i]) {
                cpu.write(order[i], w[i]);
            }
        }
        int userFlags = CpuBackend.ARITHMETIC_FLAGS | 1 << 10; // and DF
        if (w[I386Registers.EFLAGS] != n[I386Registers.EFLAGS]) {
            int real = cpu.read(Register.EFLAGS);
            cpu.write(Register.EFLAGS, (real & ~userFlags) | (w[I386Registers.EFLAGS] & userFlags));
            vm.virtualCpu().setInterruptsEnabled((w[I386Registers.EFLAGS] & EFLAGS_IF) != 0);
        }
        if (!wanted.fpu().equals(now.fpu())) {
            cpu.writeFpu(wanted.fpu());
        }
    }

    /** Up to {@code length} bytes from virtual {@code address}: fewer where the mapping or RAM ends, an error if not one byte can be read. */
    public byte[] read(long address, int length) {
        byte[] out = new byte[length];
        int done = 0;
        while (done < length) {
            long at = (address + done) & 0xFFFFFFFFL;
            long physical;
            try {
                physical = physical(at);
            } catch (DebugTarget.TargetException e) {
                if (done == 0) throw e;
                break; // a partial read: gdb takes what there is
            }
            int chunk = (int) Math.min(length - done, 4096 - (at & 0xFFF));
            chunk = (int) Math.min(chunk, vm.ram().size() - physical);
            System.arraycopy(vm.ram().readBytes(physical, chunk), 0, out, done, chunk);
            done += chunk;
            if (address + done > 0xFFFFFFFFL) {
                break;
            }
        }
        return done == length ? out : java.util.Arrays.copyOf(out, done);
    }

    private byte[] readOrNothing(long address, int length) {
        try {
            return read(address, length);
        } catch (DebugTarget.TargetException e) {
            return new byte[0];
        }
    }

    /** Writes {@code bytes} at virtual {@code address}; all of it must be the guest's RAM, or nothing is written. */
    public void write(long address, byte[] bytes) {
        if (readOrNothing(address, bytes.length).length != bytes.length) {
            throw new DebugTarget.TargetException(String.format("0x%08x+%d is not all guest memory", address, bytes.length));
        }
        int done = 0;
        while (done < bytes.length) {
            long at = (address + done) & 0xFFFFFFFFL;
            int chunk = (int) Math.min(bytes.length - done, 4096 - (at & 0xFFF));
            vm.ram().writeBytes(physical(at), java.util.Arrays.copyOfRange(bytes, done, done + chunk));
            done += chunk;
        }
        vm.ram().flushWrites(); // the CPU drops translations of code written here
    }

    /** The guest-physical address behind virtual {@code linear}, read-only walk (no accessed flags, no CR2); RAM only. */
    private long physical(long linear) {
        long physical = linear;
        VirtualCpu v = vm.virtualCpu();
        if (v.pagingEnabled()) {
            PageWalk walk = new GuestPageTables(vm.ram(), false).translate(Integer.toUnsignedLong(v.cr3()), linear,
                    false, false, false, (v.cr4() & VirtualCpu.CR4_PSE) != 0);
            if (!(walk instanceof PageWalk.Translation t)) {
                throw new DebugTarget.TargetException(String.format("0x%08x is not mapped by the guest", linear));
            }
            physical = t.physical();
        }
        if (!vm.ram().contains(physical, 1)) {
            throw new DebugTarget.TargetException(String.format("0x%08x is not guest RAM", linear));
        }
        return physical;
    }
}
