package hvlab.tui.threat;

import java.util.HexFormat;
import java.util.function.BooleanSupplier;

/** What the scenarios share: waiting for a guest to get somewhere, and finding bytes in bytes. */
final class Scratch {
    private Scratch() {}

    /** Polls {@code condition} every 20 ms for at most {@code millis}; whether it came true. */
    static boolean await(long millis, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) return true;
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }

    /** Where {@code pattern} starts in {@code bytes}, or -1. */
    static int indexOf(byte[] bytes, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= bytes.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (bytes[i + j] != pattern[j]) continue outer;
            }
            return i;
        }
        return -1;
    }

    /** The hex after {@code label} on a console line, as bytes (the guest prints them as pairs of hex digits). */
    static byte[] hexAfter(String console, String label) {
        int at = console.indexOf(label);
        if (at < 0) return null;
        String rest = console.substring(at + label.length()).lines().findFirst().orElse("").replaceAll("[^0-9A-Fa-f]", "");
        return rest.length() < 2 ? null : HexFormat.of().parseHex(rest.substring(0, rest.length() & ~1));
    }
}
