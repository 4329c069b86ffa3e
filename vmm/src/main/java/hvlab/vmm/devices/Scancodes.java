package hvlab.vmm.devices;

import java.io.ByteArrayOutputStream;

/**
 * Typed text as a PC keyboard sends it: scancode set 1 (the IBM XT's, which the 8042 controller
 * still produces by translation on every PC, and which xv6's {@code kbd.h} and Linux's
 * {@code atkbd} decode). Each key is a make code when pressed and the same code with bit 7 set
 * (a break code) when released. A character the US layout types with Shift is wrapped in Left
 * Shift's make (0x2A) and break (0xAA); a control character (Ctrl-A to Ctrl-Z) in Left Ctrl's
 * (0x1D, 0x9D). Newline and carriage return are Enter, backspace and DEL are Backspace.
 */
public final class Scancodes {
    static final int LEFT_SHIFT = 0x2A;
    static final int LEFT_CTRL = 0x1D;
    static final int BREAK = 0x80;
    /** Set 1 make codes for the unshifted characters, by row of the keyboard. */
    private static final String[] ROWS = {
        "\u001b1234567890-=\b\tqwertyuiop[]\n", // Esc is 0x01 ... Enter 0x1C
        "asdfghjkl;'`",                          // 0x1E ... 0x29
        "\\zxcvbnm,./",                          // 0x2B ... 0x35
    };
    private static final int[] ROW_START = {0x01, 0x1E, 0x2B};
    private static final String SHIFTED = "!@#$%^&*()_+{}:\"~|<>?";
    private static final String UNSHIFTED = "1234567890-=[];'`\\,./";

    private Scancodes() {}

    /** The make code of the key that types {@code c} unshifted, or -1. */
    static int makeCode(char c) {
        if (c == ' ') return 0x39;
        if (c == '\r') return 0x1C;
        if (c == 0x7F) return 0x0E;
        for (int row = 0; row < ROWS.length; row++) {
            int at = ROWS[row].indexOf(c);
            if (at >= 0) return ROW_START[row] + at;
        }
        return -1;
    }

    /**
     * The scancodes that type {@code c} (press and release, with Shift or Ctrl around it), or
     * an empty array for a character no key of a US keyboard types.
     */
    public static byte[] of(char c) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = makeCode(c);
        int modifier = -1;
        if (code < 0 && c >= 'A' && c <= 'Z') {
            code = makeCode(Character.toLowerCase(c));
            modifier = LEFT_SHIFT;
        } else if (code < 0 && SHIFTED.indexOf(c) >= 0) {
            code = makeCode(UNSHIFTED.charAt(SHIFTED.indexOf(c)));
            modifier = LEFT_SHIFT;
        } else if (code < 0 && c >= 1 && c <= 26) {
            code = makeCode((char) ('a' + c - 1));
            modifier = LEFT_CTRL;
        }
        if (code < 0) {
            return new byte[0];
        }
        if (modifier >= 0) out.write(modifier);
        out.write(code);
        out.write(code | BREAK);
        if (modifier >= 0) out.write(modifier | BREAK);
        return out.toByteArray();
    }
}
