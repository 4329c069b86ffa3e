package hvlab.vmm.trap;

import hvlab.cpu.Register;

/**
 * The guest's registers and memory as an emulated instruction sees them. The VMM implements it
 * over the real CPU; tests implement it over plain arrays, so emulation runs with no emulator.
 * Addresses are linear (the guest's segments are flat and paging is off).
 */
public interface GuestState {
    int register(Register register);

    void setRegister(Register register, int value);

    /** Reads 1, 2 or 4 bytes, little-endian. */
    int read(long address, int size);

    void write(long address, int size, int value);
}
