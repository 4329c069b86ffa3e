package hvlab.vmm.trap;

import hvlab.cpu.Operand;
import hvlab.cpu.Register;

/** Reading and writing the operands of a decoded instruction against a {@link GuestState}. */
public final class Operands {
    private Operands() {}

    /** {@code base + index * scale + displacement}, the offset of a memory operand in its segment (SDM Vol. 1, 3.7.5). */
    public static long effectiveAddress(Operand.Mem mem, GuestState state) {
        long address = mem.displacement();
        if (mem.base() != null) address += Integer.toUnsignedLong(state.register(mem.base()));
        if (mem.index() != null) address += Integer.toUnsignedLong(state.register(mem.index())) * mem.scale();
        return address & 0xFFFFFFFFL;
    }

    /**
     * The segment a memory operand goes through: its override prefix if it has one, else SS when
     * the base register is ESP or EBP, else DS (SDM Vol. 1, 3.7.4, Table 3-5).
     */
    public static Register segmentOf(Operand.Mem mem) {
        if (mem.segment() != null) {
            return mem.segment();
        }
        return mem.base() == Register.ESP || mem.base() == Register.EBP ? Register.SS : Register.DS;
    }

    public static int read(Operand operand, GuestState state) {
        return switch (operand) {
            case Operand.Reg reg -> state.register(reg.register());
            case Operand.Imm imm -> (int) imm.value();
            case Operand.Mem mem -> state.read(segmentOf(mem), effectiveAddress(mem, state), mem.size());
        };
    }

    public static void write(Operand operand, int value, GuestState state) {
        switch (operand) {
            case Operand.Reg reg -> state.setRegister(reg.register(), value);
            case Operand.Mem mem -> state.write(segmentOf(mem), effectiveAddress(mem, state), mem.size(), value);
            case Operand.Imm imm -> throw new IllegalArgumentException("cannot write to an immediate");
        }
    }
}
