package hvlab.vmm.console;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Makes guest output safe to show on the user's terminal. A guest's bytes are data from an
 * untrusted party: passed through raw, an escape sequence can move the cursor, rewrite what the
 * user sees, change the window title or, with OSC 52, write the user's clipboard in many
 * terminals. So control characters are shown, not obeyed, in caret notation ({@code ^[} for
 * ESC, {@code ^?} for DEL), and so are the C1 controls (U+0080-U+009F, which some terminals
 * also obey) and bytes that are not valid UTF-8 ({@code \xNN}). Newline, carriage return and tab
 * pass through, so ordinary output looks as the guest meant it.
 *
 * <p>Streaming: feed bytes one at a time as the guest writes them; a multi-byte UTF-8 character
 * is held until it is complete. Not thread-safe: one per output stream.
 */
public final class TerminalSafe {
    private final byte[] pending = new byte[4];
    private int pendingLength;
    private int expected;

    /** The text to print for {@code b}, possibly empty (the middle of a UTF-8 character). */
    public String accept(int b) {
        int value = b & 0xFF;
        if (expected > 0) {
            if ((value & 0xC0) == 0x80) {
                pending[pendingLength++] = (byte) value;
                if (pendingLength == expected) {
                    String text = new String(pending, 0, pendingLength, StandardCharsets.UTF_8);
                    expected = 0;
                    pendingLength = 0;
                    int codePoint = text.codePointAt(0);
                    return codePoint >= 0x80 && codePoint <= 0x9F ? String.format("\\u%04x", codePoint) : text;
                }
                return "";
            }
            String broken = flushBroken();
            return broken + accept(value);
        }
        if (value < 0x80) {
            return ascii(value);
        }
        int length = value >= 0xF0 && value <= 0xF4 ? 4 : value >= 0xE0 && value < 0xF0 ? 3 : value >= 0xC2 && value < 0xE0 ? 2 : 0;
        if (length == 0) {
            return String.format("\\x%02x", value);
        }
        pending[0] = (byte) value;
        pendingLength = 1;
        expected = length;
        return "";
    }

    /** Whatever is held back (an unfinished UTF-8 character), shown as bytes. */
    public String finish() {
        return expected > 0 ? flushBroken() : "";
    }

    /** All of {@code bytes}, made safe (for output captured in one piece). */
    public static String of(byte[] bytes) {
        TerminalSafe safe = new TerminalSafe();
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            out.append(safe.accept(b));
        }
        return out.append(safe.finish()).toString();
    }

    /** The UTF-8 bytes of the safe text for {@code bytes}: for writing to a byte stream. */
    public static byte[] bytesOf(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(of(bytes).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private String flushBroken() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < pendingLength; i++) {
            out.append(String.format("\\x%02x", pending[i] & 0xFF));
        }
        pendingLength = 0;
        expected = 0;
        return out.toString();
    }

    private static String ascii(int value) {
        if (value == '\n' || value == '\r' || value == '\t') {
            return String.valueOf((char) value);
        }
        if (value < 0x20) {
            return "^" + (char) (value + 0x40);
        }
        if (value == 0x7F) {
            return "^?";
        }
        return String.valueOf((char) value);
    }
}
