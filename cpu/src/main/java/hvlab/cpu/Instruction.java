package hvlab.cpu;

import java.util.List;

/**
 * One decoded x86 instruction, as the VMM needs it to emulate: where it is, how long it is,
 * what it is ({@code mnemonic}, lower case as Intel writes it), and its operands.
 */
public record Instruction(long address, int size, byte[] bytes, String mnemonic, String operandText,
                          List<Operand> operands) {

    public Instruction {
        operands = List.copyOf(operands);
    }

    public long nextAddress() {
        return address + size;
    }

    public Operand operand(int index) {
        return operands.get(index);
    }

    /** The assembly text, for messages: {@code mov eax, cr0}. */
    public String text() {
        return operandText.isEmpty() ? mnemonic : mnemonic + " " + operandText;
    }

    @Override
    public String toString() {
        return text();
    }
}
