package hvlab.tui.classroom;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * LIDT/LGDT's operand as a trap handler reads it (Intel SDM Vol. 2A): the privilege check at the
 * virtual CPL, little-endian fields with bytes of 0x80 and up, the 16-bit operand size's 24-bit
 * base, and operands at and past the end of guest RAM.
 */
final class LidtGrader implements Grader {
    private static final int RAM = 4096;

    private record Case(String name, int cpl, long address, boolean size16, long[] want) {}

    @Override
    public List<Check> grade(Path work) {
        List<Check> checks = new ArrayList<>();
        Method load;
        try {
            load = StudentJava.method(StudentJava.compile(work, "DescriptorLoad"), "load", byte[].class, int.class, long.class,
                    boolean.class);
        } catch (IllegalStateException e) {
            checks.add(Check.of("DescriptorLoad.java compiles", false, e.getMessage()));
            return checks;
        }
        checks.add(Check.pass("DescriptorLoad.java compiles"));
        byte[] ram = new byte[RAM];
        put(ram, 0x100, 0x07FF, 0x00102345L);
        put(ram, 0x200, 0xFFFF, 0xC0FFEE80L);
        put(ram, RAM - 6, 0x0017, 0x00001000L);
        for (Case c : List.of(
                new Case("LIDT at CPL 0: limit 0x07ff, base 0x00102345", 0, 0x100, false, new long[] {0x00102345L, 0x07FF}),
                new Case("bytes of 0x80 and up are not negative: limit 0xffff, base 0xc0ffee80", 0, 0x200, false,
                        new long[] {0xC0FFEE80L, 0xFFFF}),
                new Case("a 16-bit operand size loads a 24-bit base", 0, 0x200, true, new long[] {0x00FFEE80L, 0xFFFF}),
                new Case("an operand in the last 6 bytes of RAM", 0, RAM - 6, false, new long[] {0x1000, 0x17}),
                new Case("at virtual CPL 3 it is #GP(0), whatever the operand", 3, 0x100, false, null),
                new Case("at virtual CPL 1 too", 1, 0x100, false, null),
                new Case("an operand that runs 1 byte past RAM faults", 0, RAM - 5, false, null),
                new Case("an operand at 0xFFFFFFFE (the end wraps past 4 GiB) faults", 0, 0xFFFFFFFEL, false, null),
                new Case("an operand at 0xFFF00000 (where hvlab's VMM lives) faults", 0, 0xFFF00000L, false, null))) {
            String title = c.name();
            try {
                Object got = StudentJava.call(load, ram.clone(), c.cpl(), c.address(), c.size16());
                boolean ok = c.want() == null ? got == null : got instanceof long[] g && Arrays.equals(g, c.want());
                checks.add(Check.of(title, ok, "your emulation returned " + describe(got)));
            } catch (StudentJava.NoAnswer e) {
                checks.add(Check.of(title, false, "your emulation " + e.getMessage()
                        + (c.want() == null ? " (a trap handler must fault the guest, not throw)" : "")));
            }
        }
        return checks;
    }

    private static void put(byte[] ram, int at, int limit, long base) {
        ram[at] = (byte) limit;
        ram[at + 1] = (byte) (limit >> 8);
        for (int i = 0; i < 4; i++) ram[at + 2 + i] = (byte) (base >> (8 * i));
    }

    private static String describe(Object got) {
        return got instanceof long[] g ? Arrays.stream(g).mapToObj(v -> String.format("0x%x", v)).toList().toString() : String.valueOf(got);
    }
}
