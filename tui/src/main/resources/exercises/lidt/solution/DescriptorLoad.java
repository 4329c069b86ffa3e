/** LIDT/LGDT's operand, as the VMM reads it (reference solution). */
public final class DescriptorLoad {
    private static final int OPERAND = 6;

    private DescriptorLoad() {}

    public static long[] load(byte[] ram, int virtualCpl, long address, boolean operandSize16) {
        if (virtualCpl != 0) {
            return null; // #GP(0): privileged
        }
        if (address < 0 || address > ram.length - OPERAND) {
            return null; // not wholly in guest RAM: a fault, never a read past it
        }
        int a = (int) address;
        long limit = u8(ram, a) | u8(ram, a + 1) << 8;
        long base = u8(ram, a + 2) | u8(ram, a + 3) << 8 | u8(ram, a + 4) << 16 | u8(ram, a + 5) << 24;
        if (operandSize16) {
            base &= 0x00FF_FFFFL;
        }
        return new long[] {base, limit};
    }

    private static long u8(byte[] ram, int at) {
        return ram[at] & 0xFFL;
    }
}
