package hvlab.vmm.gdb;

import hvlab.cpu.FpuState;

import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/** A made-up machine for the protocol's tests: 64 KiB of memory at 0x1000, registers, breakpoints, a run that waits for Ctrl-C. */
final class FakeTarget implements DebugTarget {
    static final long BASE = 0x1000;
    final byte[] memory = new byte[64 * 1024];
    I386Registers registers = new I386Registers(new int[] {1, 2, 3, 4, 0x9000, 6, 7, 8, 0x1000, 0x202, 8, 0x10, 0x10, 0x10, 0x10, 0x10},
            new FpuState(new byte[80], new byte[128], 0x37f, 0, 0xffff, 0x1f80));
    final Set<Long> breakpoints = new TreeSet<>();
    volatile Consumer<Stop> running;
    boolean detached;
    boolean killed;
    int steps;

    @Override
    public Stop attach() {
        return Stop.TRAP;
    }

    @Override
    public I386Registers registers() {
        return registers;
    }

    @Override
    public void setRegisters(I386Registers registers) {
        this.registers = registers;
    }

    @Override
    public byte[] readMemory(long address, int length) {
        check(address, length);
        return java.util.Arrays.copyOfRange(memory, (int) (address - BASE), (int) (address - BASE) + length);
    }

    @Override
    public void writeMemory(long address, byte[] bytes) {
        check(address, bytes.length);
        System.arraycopy(bytes, 0, memory, (int) (address - BASE), bytes.length);
    }

    private void check(long address, int length) {
        if (address < BASE || address + length > BASE + memory.length) {
            throw new TargetException(String.format("0x%x is not memory", address));
        }
    }

    @Override
    public void insertBreakpoint(long address) {
        breakpoints.add(address);
    }

    @Override
    public void removeBreakpoint(long address) {
        breakpoints.remove(address);
    }

    @Override
    public Stop step() {
        steps++;
        registers = registers.with(I386Registers.EIP, new byte[] {(byte) (registers.eip() + 1), (byte) (registers.eip() >> 8), 0, 0});
        return Stop.TRAP;
    }

    @Override
    public void resume(Consumer<Stop> whenStopped) {
        running = whenStopped;
    }

    @Override
    public void interrupt() {
        Consumer<Stop> r = running;
        running = null;
        if (r != null) r.accept(Stop.INTERRUPTED);
    }

    @Override
    public void detach() {
        detached = true;
    }

    @Override
    public void kill() {
        killed = true;
    }
}
