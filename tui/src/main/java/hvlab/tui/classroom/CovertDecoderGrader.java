package hvlab.tui.classroom;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The receiver of a covert channel through the CPU: window averages against their median. */
final class CovertDecoderGrader implements Grader {

    @Override
    public List<Check> grade(Path work) {
        List<Check> checks = new ArrayList<>();
        Method decode;
        try {
            decode = StudentJava.method(StudentJava.compile(work, "CovertDecoder"), "decode", double[].class, int.class);
        } catch (IllegalStateException e) {
            checks.add(Check.of("CovertDecoder.java compiles", false, e.getMessage()));
            return checks;
        }
        checks.add(Check.pass("CovertDecoder.java compiles"));
        checks.add(expect(decode, "a clean signal, 4 samples a bit", samples("101100111000", 4, 0, 1), 4, "101100111000"));
        checks.add(expect(decode, "a noisy signal, 20 samples a bit", samples("110100100110010001101011", 20, 0.4, 2), 20,
                "110100100110010001101011"));
        double[] partial = samples("0110", 5, 0, 3);
        double[] withTail = java.util.Arrays.copyOf(partial, partial.length + 3);
        checks.add(expect(decode, "a last incomplete window is left out", withTail, 5, "0110"));
        checks.add(expect(decode, "fewer samples than a window", new double[] {5, 5}, 4, ""));
        return checks;
    }

    /** Progress samples for {@code bits}: about 100 a sample when the sender halts, 60 when it computes, plus noise. */
    static double[] samples(String bits, int perBit, double noise, long seed) {
        Random random = new Random(seed);
        double[] out = new double[bits.length() * perBit];
        for (int b = 0; b < bits.length(); b++) {
            for (int i = 0; i < perBit; i++) {
                double base = bits.charAt(b) == '1' ? 60 : 100;
                out[b * perBit + i] = base * (1 + noise * (random.nextDouble() - 0.5));
            }
        }
        return out;
    }

    private static Check expect(Method decode, String name, double[] progress, int perBit, String want) {
        try {
            Object got = StudentJava.call(decode, progress, perBit);
            return Check.of(name + ": \"" + want + "\"", want.equals(got), "your decoder heard \"" + got + "\"");
        } catch (StudentJava.NoAnswer e) {
            return Check.of(name, false, "your decoder " + e.getMessage());
        }
    }
}
