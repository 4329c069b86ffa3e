package hvlab.cpu;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The floating-point and SSE registers (SDM Vol. 1, chapters 8 and 10): what an OS saves with
 * FXSAVE on a task switch, and what a VMM must carry along when it saves or moves a VM.
 *
 * @param x87     ST0-ST7 as the physical registers R0-R7, 10 bytes each (64-bit significand, then
 *                sign and 15-bit exponent), 80 bytes in all
 * @param sse     XMM0-XMM7, 16 bytes each, 128 bytes in all
 * @param control the x87 control word (FCW); {@code status} the status word (FSW, with TOP);
 *                {@code tag} the tag word; {@code mxcsr} the SSE control and status register
 */
public record FpuState(byte[] x87, byte[] sse, int control, int status, int tag, int mxcsr) {
    public static final int X87_BYTES = 8 * 10;
    public static final int SSE_BYTES = 8 * 16;

    public FpuState {
        if (x87.length != X87_BYTES || sse.length != SSE_BYTES) {
            throw new IllegalArgumentException("x87 registers take " + X87_BYTES + " bytes and SSE " + SSE_BYTES);
        }
        x87 = x87.clone();
        sse = sse.clone();
    }

    @Override
    public byte[] x87() {
        return x87.clone();
    }

    @Override
    public byte[] sse() {
        return sse.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FpuState o && Arrays.equals(x87, o.x87) && Arrays.equals(sse, o.sse)
                && control == o.control && status == o.status && tag == o.tag && mxcsr == o.mxcsr;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(x87) * 31 + Arrays.hashCode(sse) + control + status * 7 + tag * 13 + mxcsr * 17;
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return String.format("FpuState[fcw=%04x fsw=%04x ftw=%04x mxcsr=%08x x87=%s sse=%s]",
                control, status, tag, mxcsr, hex.formatHex(x87), hex.formatHex(sse));
    }
}
