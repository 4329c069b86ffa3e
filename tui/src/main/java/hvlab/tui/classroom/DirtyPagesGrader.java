package hvlab.tui.classroom;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/** Dirty pages by comparison, as hvlab's ComparingTracker finds them (DESIGN.md section 1). */
final class DirtyPagesGrader implements Grader {
    private static final int PAGE = 4096;

    @Override
    public List<Check> grade(Path work) {
        List<Check> checks = new ArrayList<>();
        Method changed;
        try {
            changed = StudentJava.method(StudentJava.compile(work, "DirtyPages"), "changed", byte[].class, byte[].class, int.class);
        } catch (IllegalStateException e) {
            checks.add(Check.of("DirtyPages.java compiles", false, e.getMessage()));
            return checks;
        }
        checks.add(Check.pass("DirtyPages.java compiles"));
        Random random = new Random(42);
        byte[] ram = new byte[64 * PAGE];
        random.nextBytes(ram);
        checks.add(expect(changed, "nothing written", ram, ram.clone(), PAGE, new int[0]));
        checks.add(scattered(changed, "a few bytes here and there", ram, random, 10));
        checks.add(scattered(changed, "the first and the last byte", ram, null, 0));
        byte[] odd = Arrays.copyOf(ram, 10 * PAGE + 100);
        byte[] oddAfter = odd.clone();
        oddAfter[odd.length - 1] ^= 1;
        checks.add(expect(changed, "a short last page", odd, oddAfter, PAGE, new int[] {10}));
        byte[] big = new byte[64 << 20];
        byte[] bigAfter = big.clone();
        bigAfter[(7 << 20) + 5] = 1;
        bigAfter[big.length - 1] = 1;
        Check fast = expect(changed, "64 MiB with two pages written", big, bigAfter, PAGE, new int[] {(7 << 20) / PAGE, big.length / PAGE - 1});
        checks.add(fast);
        return checks;
    }

    private static Check scattered(Method changed, String name, byte[] ram, Random random, int writes) {
        byte[] after = ram.clone();
        TreeSet<Integer> pages = new TreeSet<>();
        if (random == null) {
            after[0] ^= 1;
            after[after.length - 1] ^= 1;
            pages.add(0);
            pages.add(after.length / PAGE - 1);
        } else {
            for (int i = 0; i < writes; i++) {
                int at = random.nextInt(after.length);
                after[at] ^= (byte) (1 + random.nextInt(255));
                pages.add(at / PAGE);
            }
        }
        return expect(changed, name, ram, after, PAGE, pages.stream().mapToInt(Integer::intValue).toArray());
    }

    private static Check expect(Method changed, String name, byte[] before, byte[] after, int pageSize, int[] want) {
        try {
            Object got = StudentJava.call(changed, before, after, pageSize);
            boolean same = got instanceof int[] pages && Arrays.equals(pages, want);
            return Check.of(name + ": pages " + Arrays.toString(want), same,
                    "your answer was " + (got instanceof int[] pages ? Arrays.toString(pages) : String.valueOf(got)));
        } catch (StudentJava.NoAnswer e) {
            return Check.of(name, false, "your method " + e.getMessage());
        }
    }
}
