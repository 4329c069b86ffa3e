package hvlab.vmm.bt;

import hvlab.cpu.Operand;
import hvlab.cpu.Register;
import hvlab.vmm.trap.GuestState;
import hvlab.vmm.trap.Operands;

/** Operands and the stack of an emulated instruction, read and written through a {@link GuestState}; addressing is {@link Operands}'. */
final class GuestOperands {
    private GuestOperands() {}

    static long effectiveAddress(Operand.Mem mem, GuestState state) {
        return Operands.effectiveAddress(mem, state);
    }

    static int read(Operand operand, GuestState state) {
        return Operands.read(operand, state);
    }

    /**
     * Stores a 16-bit value. A 32-bit register destination gets it zero-extended, as every
     * processor since the Pentium Pro does for SLDT, STR and MOV from a segment register; a
     * memory destination is always written as 16 bits, whatever the operand size.
     */
    static void writeSelector(Operand operand, int value, GuestState state) {
        write(operand, value & 0xFFFF, state, 2);
    }

    /** Writes {@code value} to a register (at its own width) or to memory ({@code memorySize} bytes). */
    static void write(Operand operand, int value, GuestState state, int memorySize) {
        switch (operand) {
            case Operand.Reg reg -> state.setRegister(reg.register(), reg.size() == 2 ? value & 0xFFFF : value);
            case Operand.Mem mem -> state.write(Operands.segmentOf(mem), effectiveAddress(mem, state), memorySize, value);
            case Operand.Imm imm -> throw new IllegalArgumentException("cannot write to an immediate");
        }
    }

    static void push(GuestState state, int size, int value) {
        int esp = state.register(Register.ESP) - size;
        state.write(Register.SS, Integer.toUnsignedLong(esp), size, value);
        state.setRegister(Register.ESP, esp);
    }

    static int pop(GuestState state, int size) {
        int esp = state.register(Register.ESP);
        int value = state.read(Register.SS, Integer.toUnsignedLong(esp), size);
        state.setRegister(Register.ESP, esp + size);
        return value;
    }

    /** Sets or clears ZF, the answer LAR, LSL, VERR and VERW give. */
    static void setZeroFlag(GuestState state, boolean set) {
        int flags = state.register(Register.EFLAGS);
        state.setRegister(Register.EFLAGS, set ? flags | FlagsInstructions.ZF : flags & ~FlagsInstructions.ZF);
    }
}
