/** LIDT/LGDT's operand, as the VMM reads it: see 'hv exercise show lidt'. */
public final class DescriptorLoad {
    private DescriptorLoad() {}

    public static long[] load(byte[] ram, int virtualCpl, long address, boolean operandSize16) {
        // TODO: the privilege check, the bounds check, the 6-byte operand, the 16-bit operand size.
        int a = (int) address;
        long limit = ram[a] + (ram[a + 1] << 8);
        long base = ram[a + 2] + (ram[a + 3] << 8) + (ram[a + 4] << 16) + (ram[a + 5] << 24);
        return new long[] {base, limit};
    }
}
