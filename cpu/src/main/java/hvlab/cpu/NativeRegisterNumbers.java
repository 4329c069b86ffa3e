package hvlab.cpu;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * How the native libraries number x86 registers. Unicorn's {@code uc_x86_reg} and Capstone's
 * {@code x86_reg} both descend from LLVM's X86 register list and agree on every register we use,
 * so one table serves both bindings. For the bindings only: the VMM uses {@link Register}.
 */
public final class NativeRegisterNumbers {
    private static final Map<Register, Integer> NUMBER = new EnumMap<>(Register.class);
    private static final Map<Integer, Register> REGISTER = new HashMap<>();

    static {
        put(Register.AH, 1); put(Register.AL, 2); put(Register.AX, 3); put(Register.BH, 4);
        put(Register.BL, 5); put(Register.BP, 6); put(Register.BX, 8); put(Register.CH, 9);
        put(Register.CL, 10); put(Register.CS, 11); put(Register.CX, 12); put(Register.DH, 13);
        put(Register.DI, 14); put(Register.DL, 16); put(Register.DS, 17); put(Register.DX, 18);
        put(Register.EAX, 19); put(Register.EBP, 20); put(Register.EBX, 21); put(Register.ECX, 22);
        put(Register.EDI, 23); put(Register.EDX, 24); put(Register.EFLAGS, 25); put(Register.EIP, 26);
        put(Register.ES, 28); put(Register.ESI, 29); put(Register.ESP, 30); put(Register.FS, 32);
        put(Register.GS, 33); put(Register.SI, 45); put(Register.SP, 47); put(Register.SS, 49);
        put(Register.CR0, 50); put(Register.CR2, 52); put(Register.CR3, 53); put(Register.CR4, 54);
        put(Register.DR0, 66); put(Register.DR1, 67); put(Register.DR2, 68); put(Register.DR3, 69);
        put(Register.DR6, 72); put(Register.DR7, 73);
    }

    private NativeRegisterNumbers() {}

    private static void put(Register register, int number) {
        NUMBER.put(register, number);
        REGISTER.put(number, register);
    }

    public static int numberOf(Register register) {
        return NUMBER.get(register);
    }

    /** The register with this native number, or null for one we have no name for (x87, SSE, ...). */
    public static Register registerOf(int number) {
        return REGISTER.get(number);
    }
}
