package hvlab.tui.classroom;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Containment of a trap handler (paper IV.C.2): the student's NIC transmit check against
 * descriptors at every edge of guest RAM, then 20,000 hostile ones. The machine is guest RAM
 * followed by the VMM's memory, filled with a marker: any returned byte of it is an escape.
 */
final class NicEscapeGrader implements Grader {
    private static final int RAM = 64 * 1024;
    private static final byte[] VMM_SECRET = "VMM-KEY!".getBytes(StandardCharsets.US_ASCII);

    @Override
    public List<Check> grade(Path work) {
        List<Check> checks = new ArrayList<>();
        Method transmit;
        try {
            transmit = StudentJava.method(StudentJava.compile(work, "NicTransmit"), "transmit", byte[].class, int.class, int.class, int.class);
        } catch (IllegalStateException e) {
            checks.add(Check.of("NicTransmit.java compiles", false, e.getMessage()));
            return checks;
        }
        checks.add(Check.pass("NicTransmit.java compiles"));
        byte[] machine = machine();
        checks.add(frame(transmit, machine, "an ordinary frame at 0x1000, 60 bytes", 0x1000, 60));
        checks.add(frame(transmit, machine, "a 1514-byte frame ending at the last byte of RAM", RAM - 1514, 1514));
        checks.add(refused(transmit, machine, "a frame that starts in RAM and ends in the VMM's memory", RAM - 20, 100));
        checks.add(refused(transmit, machine, "a frame starting right after RAM", RAM, 60));
        checks.add(refused(transmit, machine, "a buffer above 2 GiB (negative as a Java int)", 0x80000000, 60));
        checks.add(refused(transmit, machine, "a buffer near 4 GiB whose end wraps to a small address", 0xFFFFFFF0, 64));
        checks.add(refused(transmit, machine, "a runt of 13 bytes", 0x1000, 13));
        checks.add(refused(transmit, machine, "a giant of 1515 bytes", 0x1000, 1515));
        checks.add(refused(transmit, machine, "a length of 65535 (the u16's largest)", 0x1000, 65535));
        checks.add(hostile(transmit, machine));
        return checks;
    }

    private static byte[] machine() {
        byte[] m = new byte[RAM + 4096];
        for (int i = 0; i < RAM; i++) m[i] = (byte) (i * 31 + 7);
        for (int i = RAM; i < m.length; i++) m[i] = VMM_SECRET[(i - RAM) % VMM_SECRET.length];
        return m;
    }

    private static Check frame(Method transmit, byte[] machine, String name, int buffer, int length) {
        try {
            Object got = StudentJava.call(transmit, machine.clone(), RAM, buffer, length);
            byte[] want = Arrays.copyOfRange(machine, buffer, buffer + length);
            return Check.of(name + ": sent as it is", got instanceof byte[] b && Arrays.equals(b, want),
                    got == null ? "your handler refused it" : "your handler returned other bytes");
        } catch (StudentJava.NoAnswer e) {
            return Check.of(name, false, "your handler " + e.getMessage());
        }
    }

    private static Check refused(Method transmit, byte[] machine, String name, int buffer, int length) {
        try {
            Object got = StudentJava.call(transmit, machine.clone(), RAM, buffer, length);
            return Check.of(name + ": refused", got == null, got instanceof byte[] b ? leak(b) : "your handler returned " + got);
        } catch (StudentJava.NoAnswer e) {
            return Check.of(name + ": refused", false, "your handler " + e.getMessage() + " (a trap handler that throws crashes the VMM)");
        }
    }

    private static String leak(byte[] got) {
        int at = indexOf(got, VMM_SECRET);
        return at >= 0 ? "it returned " + got.length + " bytes, among them the VMM's own ('VMM-KEY!' at offset " + at + "): an escape"
                : "it returned " + got.length + " bytes instead of refusing";
    }

    private static Check hostile(Method transmit, byte[] machine) {
        SplittableRandom random = new SplittableRandom(15);
        String name = "20,000 hostile descriptors: nothing but guest RAM ever comes out, and nothing throws";
        for (int i = 0; i < 20_000; i++) {
            int buffer = switch (i % 4) {
                case 0 -> random.nextInt();
                case 1 -> RAM - random.nextInt(2048);
                case 2 -> random.nextInt(RAM);
                default -> -random.nextInt(4096);
            };
            int length = i % 3 == 0 ? random.nextInt(65536) : 14 + random.nextInt(1501);
            try {
                Object got = StudentJava.call(transmit, machine, RAM, buffer, length);
                long start = Integer.toUnsignedLong(buffer);
                boolean fits = start + length <= RAM;
                if (got instanceof byte[] b && (!fits || !Arrays.equals(b, Arrays.copyOfRange(machine, (int) start, (int) start + length)))) {
                    return Check.of(name, false, String.format("buffer 0x%08x, length %d: %s", buffer, length, leak(b)));
                }
            } catch (StudentJava.NoAnswer e) {
                return Check.of(name, false, String.format("buffer 0x%08x, length %d: your handler %s", buffer, length, e.getMessage()));
            }
        }
        return Check.pass(name);
    }

    private static int indexOf(byte[] bytes, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= bytes.length; i++) {
            for (int j = 0; j < pattern.length; j++) if (bytes[i + j] != pattern[j]) continue outer;
            return i;
        }
        return -1;
    }
}
