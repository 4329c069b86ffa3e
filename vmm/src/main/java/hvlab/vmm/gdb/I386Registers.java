package hvlab.vmm.gdb;

import hvlab.cpu.FpuState;

/**
 * The registers in the order gdb numbers them for i386 (gdb's {@code i386_register_names} and
 * the {@code org.gnu.gdb.i386.core}/{@code .sse} features): 0-7 EAX ECX EDX EBX ESP EBP ESI EDI,
 * 8 EIP, 9 EFLAGS, 10-15 CS SS DS ES FS GS (4 bytes each), 16-23 ST0-ST7 (10 bytes), 24-31 the
 * x87 control registers FCTRL FSTAT FTAG FISEG FIOFF FOSEG FOOFF FOP (4 bytes), 32-39 XMM0-XMM7
 * (16 bytes), 40 MXCSR. A {@code g} reply is all of them, little-endian, in that order.
 *
 * @param general the sixteen 4-byte registers 0-15
 * @param fpu     ST0-ST7 here are the x87 physical registers as {@link FpuState} keeps them
 */
public record I386Registers(int[] general, FpuState fpu) {
    public static final int GENERAL = 16;
    public static final int EIP = 8;
    public static final int EFLAGS = 9;
    public static final int CS = 10;
    public static final int SS = 11;
    /** Registers in all: the last is MXCSR. */
    public static final int COUNT = 41;

    public I386Registers {
        if (general.length != GENERAL) {
            throw new IllegalArgumentException("i386 has 16 general, pointer and segment registers");
        }
        general = general.clone();
    }

    @Override
    public int[] general() {
        return general.clone();
    }

    public int eip() {
        return general[EIP];
    }

    /** The size of register {@code n} in bytes, or -1 if gdb's i386 has no such register. */
    public static int size(int n) {
        if (n < 0 || n >= COUNT) return -1;
        if (n >= 16 && n < 24) return 10;
        if (n >= 32 && n < 40) return 16;
        return 4;
    }

    /** Register {@code n} as bytes, little-endian, as {@code p} and {@code g} send it. */
    public byte[] bytes(int n) {
        if (n < GENERAL) {
            return le(general[n]);
        }
        if (n < 24) {
            return java.util.Arrays.copyOfRange(fpu.x87(), (n - 16) * 10, (n - 16) * 10 + 10);
        }
        if (n >= 32 && n < 40) {
            return java.util.Arrays.copyOfRange(fpu.sse(), (n - 32) * 16, (n - 32) * 16 + 16);
        }
        return le(switch (n) {
            case 24 -> fpu.control();
            case 25 -> fpu.status();
            case 26 -> fpu.tag();
            case 40 -> fpu.mxcsr();
            default -> 0; // the x87 last-instruction and operand pointers: not kept
        });
    }

    /** This file with register {@code n} set from {@code value} (exactly {@link #size} bytes). */
    public I386Registers with(int n, byte[] value) {
        if (size(n) < 0 || value.length != size(n)) {
            throw new IllegalArgumentException("register " + n + " takes " + size(n) + " bytes");
        }
        if (n < GENERAL) {
            int[] g = general.clone();
            g[n] = (value[0] & 0xFF) | (value[1] & 0xFF) << 8 | (value[2] & 0xFF) << 16 | (value[3] & 0xFF) << 24;
            return new I386Registers(g, fpu);
        }
        byte[] x87 = fpu.x87();
        byte[] sse = fpu.sse();
        int control = fpu.control(), status = fpu.status(), tag = fpu.tag(), mxcsr = fpu.mxcsr();
        int word = (value[0] & 0xFF) | (value.length > 1 ? (value[1] & 0xFF) << 8 : 0)
                | (value.length > 3 ? (value[2] & 0xFF) << 16 | (value[3] & 0xFF) << 24 : 0);
        if (n < 24) {
            System.arraycopy(value, 0, x87, (n - 16) * 10, 10);
        } else if (n >= 32 && n < 40) {
            System.arraycopy(value, 0, sse, (n - 32) * 16, 16);
        } else {
            switch (n) {
                case 24 -> control = word & 0xFFFF;
                case 25 -> status = word & 0xFFFF;
                case 26 -> tag = word & 0xFFFF;
                case 40 -> mxcsr = word;
                default -> { } // not kept: accepted and dropped, as a CPU without them would
            }
        }
        return new I386Registers(general, new FpuState(x87, sse, control, status, tag, mxcsr));
    }

    /** The {@code g} reply: every register, in order. */
    public String toHex() {
        StringBuilder out = new StringBuilder(2 * 308);
        for (int n = 0; n < COUNT; n++) {
            out.append(Rsp.hex(bytes(n)));
        }
        return out.toString();
    }

    /** A {@code G} request's bytes over this file: as many whole registers as it holds, in order. */
    public I386Registers withAll(byte[] bytes) {
        I386Registers out = this;
        int at = 0;
        for (int n = 0; n < COUNT && at + size(n) <= bytes.length; n++) {
            out = out.with(n, java.util.Arrays.copyOfRange(bytes, at, at + size(n)));
            at += size(n);
        }
        if (at != bytes.length) {
            throw new IllegalArgumentException("G carries " + bytes.length + " bytes, not a whole number of registers");
        }
        return out;
    }

    private static byte[] le(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }
}
