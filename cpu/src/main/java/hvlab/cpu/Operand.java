package hvlab.cpu;

/** An operand of a decoded {@link Instruction}; {@code size} is its width in bytes. */
public sealed interface Operand {
    int size();

    /**
     * A register. {@code register} is null for registers the VMM has no name for (x87, SSE);
     * {@code name} always holds the disassembler's spelling.
     */
    record Reg(Register register, String name, int size) implements Operand {}

    record Imm(long value, int size) implements Operand {}

    /**
     * A memory operand {@code segment:[base + index*scale + displacement]}; absent parts are null
     * (segment null means the instruction's default segment).
     */
    record Mem(Register segment, Register base, Register index, int scale, long displacement, int size) implements Operand {}
}
