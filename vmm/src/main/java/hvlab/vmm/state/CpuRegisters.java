package hvlab.vmm.state;

import hvlab.cpu.CpuBackend;
import hvlab.cpu.FpuState;
import hvlab.cpu.Register;

import java.util.EnumMap;
import java.util.Map;

/**
 * The real CPU's registers as plain data: the eight general registers, EIP and EFLAGS, the six
 * segment selectors, and the x87/SSE state. The hidden part of each segment register (base,
 * limit, rights) is not here: it is what the CPU loaded from the shadow GDT, which is saved
 * with the VM and reloads the same descriptors when the selectors are loaded again, the way a
 * VMCS's guest-state area is reloaded on VM entry.
 */
public record CpuRegisters(Map<Register, Integer> values, FpuState fpu) {
    /** The registers saved: general, instruction pointer, flags, segments. */
    public static final Register[] SAVED = {
        Register.EAX, Register.ECX, Register.EDX, Register.EBX, Register.ESP, Register.EBP, Register.ESI, Register.EDI,
        Register.EIP, Register.EFLAGS, Register.CS, Register.SS, Register.DS, Register.ES, Register.FS, Register.GS
    };

    public CpuRegisters {
        values = Map.copyOf(values);
    }

    public int get(Register register) {
        Integer value = values.get(register);
        if (value == null) {
            throw new IllegalArgumentException(register + " is not among the saved registers");
        }
        return value;
    }

    /** Reads every saved register from {@code cpu}. */
    public static CpuRegisters read(CpuBackend cpu) {
        Map<Register, Integer> values = new EnumMap<>(Register.class);
        for (Register register : SAVED) {
            values.put(register, cpu.read(register));
        }
        return new CpuRegisters(values, cpu.readFpu());
    }

    /** A copy with some registers replaced. */
    public CpuRegisters with(Map<Register, Integer> changes) {
        Map<Register, Integer> values = new EnumMap<>(Register.class);
        values.putAll(this.values);
        values.putAll(changes);
        return new CpuRegisters(values, fpu);
    }
}
