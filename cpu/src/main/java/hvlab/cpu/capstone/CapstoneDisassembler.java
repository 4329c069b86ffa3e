package hvlab.cpu.capstone;

import hvlab.cpu.Disassembler;
import hvlab.cpu.Instruction;
import hvlab.cpu.NativeLibraries;
import hvlab.cpu.NativeRegisterNumbers;
import hvlab.cpu.Operand;
import hvlab.cpu.Register;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A {@link Disassembler} on Capstone 4 ({@code libcapstone.so.4}), x86 32-bit, detail mode on.
 * Struct offsets are those of {@code capstone/capstone.h} and {@code capstone/x86.h} for
 * Capstone 4.0 on x86-64 (measured with the headers; see the test that decodes known bytes).
 */
public final class CapstoneDisassembler implements Disassembler {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIB = NativeLibraries.load("libcapstone.so.4", "libcapstone4");
    private static final MethodHandle OPEN = fn("cs_open", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle OPTION = fn("cs_option", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG));
    private static final MethodHandle DISASM = fn("cs_disasm",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS));
    private static final MethodHandle FREE = fn("cs_free", FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG));
    private static final MethodHandle CLOSE = fn("cs_close", FunctionDescriptor.of(JAVA_INT, ADDRESS));

    private static final int CS_ARCH_X86 = 3;
    private static final int CS_MODE_32 = 4;
    private static final int CS_OPT_DETAIL = 2;
    private static final long CS_OPT_ON = 3;

    // cs_insn
    private static final long INSN_SIZE = 240;
    private static final long INSN_ADDRESS = 8;
    private static final long INSN_LENGTH = 16;
    private static final long INSN_BYTES = 18;
    private static final long INSN_MNEMONIC = 34;
    private static final long INSN_OP_STR = 66;
    private static final long INSN_DETAIL = 232;
    // cs_detail -> cs_x86 -> cs_x86_op
    private static final long DETAIL_X86 = 80;
    private static final long X86_OP_COUNT = 64;
    private static final long X86_OPERANDS = 72;
    private static final long OP_SIZE_BYTES = 48;
    private static final long OP_VALUE = 8;
    private static final long OP_WIDTH = 32;
    private static final int OP_REG = 1;
    private static final int OP_IMM = 2;
    private static final int OP_MEM = 3;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment handleCell;
    private final long handle;

    public CapstoneDisassembler() {
        handleCell = arena.allocate(JAVA_LONG);
        int error = call(() -> (int) OPEN.invokeExact(CS_ARCH_X86, CS_MODE_32, handleCell));
        if (error != 0) {
            throw new IllegalStateException("cs_open failed with Capstone error " + error);
        }
        handle = handleCell.get(JAVA_LONG, 0);
        call(() -> (int) OPTION.invokeExact(handle, CS_OPT_DETAIL, CS_OPT_ON));
    }

    @Override
    public Instruction decode(byte[] code, long address) {
        List<Instruction> one = disassemble(code, address, 1);
        return one.isEmpty() ? null : one.getFirst();
    }

    @Override
    public List<Instruction> decodeAll(byte[] code, long address) {
        return disassemble(code, address, 0);
    }

    private List<Instruction> disassemble(byte[] code, long address, long count) {
        if (code.length == 0) {
            return List.of();
        }
        try (Arena call = Arena.ofConfined()) {
            MemorySegment input = call.allocateFrom(JAVA_BYTE, code);
            MemorySegment out = call.allocate(ADDRESS);
            long n = (long) DISASM.invokeExact(handle, input, (long) code.length, address, count, out);
            if (n == 0) {
                return List.of();
            }
            MemorySegment insns = out.get(ADDRESS, 0).reinterpret(n * INSN_SIZE);
            try {
                List<Instruction> result = new ArrayList<>((int) n);
                for (long i = 0; i < n; i++) {
                    result.add(read(insns.asSlice(i * INSN_SIZE, INSN_SIZE)));
                }
                return result;
            } finally {
                FREE.invokeExact(insns, n);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static Instruction read(MemorySegment insn) {
        long address = insn.get(JAVA_LONG, INSN_ADDRESS);
        int size = Short.toUnsignedInt(insn.get(ValueLayout.JAVA_SHORT, INSN_LENGTH));
        byte[] bytes = insn.asSlice(INSN_BYTES, size).toArray(JAVA_BYTE);
        String mnemonic = insn.getString(INSN_MNEMONIC);
        String operandText = insn.getString(INSN_OP_STR);
        MemorySegment x86 = insn.get(ADDRESS, INSN_DETAIL).reinterpret(DETAIL_X86 + 464).asSlice(DETAIL_X86);
        int count = Byte.toUnsignedInt(x86.get(JAVA_BYTE, X86_OP_COUNT));
        List<Operand> operands = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            MemorySegment op = x86.asSlice(X86_OPERANDS + i * OP_SIZE_BYTES, OP_SIZE_BYTES);
            operands.add(operand(op));
        }
        return new Instruction(address, size, bytes, mnemonic, operandText, operands);
    }

    private static Operand operand(MemorySegment op) {
        int width = Byte.toUnsignedInt(op.get(JAVA_BYTE, OP_WIDTH));
        return switch (op.get(JAVA_INT, 0)) {
            case OP_REG -> {
                int number = op.get(JAVA_INT, OP_VALUE);
                Register register = NativeRegisterNumbers.registerOf(number);
                yield new Operand.Reg(register, register == null ? "reg" + number : register.name().toLowerCase(), width);
            }
            case OP_IMM -> new Operand.Imm(op.get(JAVA_LONG, OP_VALUE), width);
            case OP_MEM -> new Operand.Mem(
                    NativeRegisterNumbers.registerOf(op.get(JAVA_INT, OP_VALUE)),
                    NativeRegisterNumbers.registerOf(op.get(JAVA_INT, OP_VALUE + 4)),
                    NativeRegisterNumbers.registerOf(op.get(JAVA_INT, OP_VALUE + 8)),
                    op.get(JAVA_INT, OP_VALUE + 12),
                    op.get(JAVA_LONG, OP_VALUE + 16),
                    width);
            default -> new Operand.Imm(0, width);
        };
    }

    @Override
    public void close() {
        call(() -> (int) CLOSE.invokeExact(handleCell));
        arena.close();
    }

    private interface IntCall {
        int call() throws Throwable;
    }

    private static int call(IntCall c) {
        try {
            return c.call();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static MethodHandle fn(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LIB.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libcapstone.so.4 has no " + name)), descriptor);
    }
}
