package hvlab.cpu;

import java.util.List;

/** Decodes 32-bit x86 machine code. */
public interface Disassembler extends AutoCloseable {

    /** The first instruction in {@code code}, which starts at {@code address}; null when the bytes are not a valid instruction. */
    Instruction decode(byte[] code, long address);

    /** Every instruction from the start of {@code code} up to the first undecodable byte. */
    List<Instruction> decodeAll(byte[] code, long address);

    @Override
    void close();
}
