package hvlab.vmmm;

import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Waiting for a guest to get somewhere, and reading how far the counting guests got. */
public final class Waits {
    private Waits() {}

    public static int lastCount(String console) {
        return console.lines().filter(l -> l.matches("count \\d+")).mapToInt(l -> Integer.parseInt(l.substring(6))).max().orElse(0);
    }

    public static void await(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 300 && !condition.getAsBoolean(); i++) Thread.sleep(50);
        assertTrue(condition.getAsBoolean(), "waited 15 s");
    }
}
