package hvlab.vmm.trap;

import hvlab.cpu.Register;

/**
 * The guest's registers and memory as an emulated instruction sees them. The VMM implements it
 * over the real CPU and the {@link hvlab.vmm.memory.GuestRam} door; tests implement it over plain
 * arrays, so emulation runs with no emulator.
 *
 * <p>Two kinds of address. Descriptor tables, the TSS and the IDT are found by <em>linear</em>
 * address ({@link #read(long, int)}). Everything an instruction names goes through a segment
 * ({@link #read(Register, long, int)}): the stack through SS, a memory operand through DS or its
 * override. The real implementation checks the segment's limit and rights there, as the CPU
 * would; the default (for test doubles) treats every segment as flat.
 *
 * <p>Any access may throw {@link hvlab.vmm.memory.GuestFault}: the guest's own hardware would
 * have refused it, and the trap handler turns it into the exception the guest sees.
 */
public interface GuestState {
    int register(Register register);

    void setRegister(Register register, int value);

    /** Reads 1, 2 or 4 bytes, little-endian, at a linear address. */
    int read(long linear, int size);

    void write(long linear, int size, int value);

    /**
     * A store the processor makes to a stack on its own (an interrupt frame): data, never code the
     * guest means to run, so the VMM need not drop translated code for it.
     */
    default void writeStack(long linear, int size, int value) {
        write(linear, size, value);
    }

    /** The linear address of {@code segment:offset} for an access of {@code size} bytes, after the segment's checks. */
    default long linear(Register segment, long offset, int size, boolean write) {
        return offset & 0xFFFFFFFFL;
    }

    default int read(Register segment, long offset, int size) {
        return read(linear(segment, offset, size, false), size);
    }

    default void write(Register segment, long offset, int size, int value) {
        write(linear(segment, offset, size, true), size, value);
    }
}
