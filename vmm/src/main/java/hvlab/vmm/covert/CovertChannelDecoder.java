package hvlab.vmm.covert;

import java.util.Arrays;
import java.util.List;

/**
 * The receiver's side of a CPU covert channel (paper IV.C.3: VMs that share nothing configured
 * still share the processor). The receiver measured its own progress in short samples; a window
 * where the sender computed is a dip. This decodes the samples back into bits and counts how many
 * differ from what the sender sent, the way one measures any channel: bits per second and the
 * error rate, whose binary entropy says how much of each bit is noise.
 *
 * <p>The receiver does not know where the sender's windows start, nor where the message starts:
 * the decoder tries every phase of the samples within a bit and every rotation of the repeated
 * message and keeps the best. On a closed channel that best is still better than a coin
 * (choosing among alignments finds some agreement by chance), which is why the capacity, not the
 * error rate alone, is the figure to compare.
 */
public final class CovertChannelDecoder {
    /** The result: {@code errors} of {@code bits} decoded bits differ from the message at the best alignment. */
    public record Decoded(int bits, int errors, int phase, int rotation, double bitsPerSecond) {
        public double errorRate() {
            return bits == 0 ? 0.5 : (double) errors / bits;
        }

        /** Bits per second that get through: the rate times 1 - H(error rate) (a binary symmetric channel). */
        public double capacity() {
            double e = Math.min(errorRate(), 0.5);
            double h = e <= 0 ? 0 : -(e * log2(e) + (1 - e) * log2(1 - e));
            return bitsPerSecond * (1 - h);
        }

        private static double log2(double x) {
            return Math.log(x) / Math.log(2);
        }
    }

    private CovertChannelDecoder() {}

    /**
     * @param samples       the receiver's progress in each sample, oldest first
     * @param samplesPerBit how many samples one bit window lasts
     * @param message       the repeated message, one bit per entry (1 = the sender computed)
     * @param bitsPerSecond the sender's signalling rate
     */
    public static Decoded decode(long[] samples, int samplesPerBit, int[] message, double bitsPerSecond) {
        Decoded best = new Decoded(0, 0, 0, 0, bitsPerSecond);
        for (int phase = 0; phase < samplesPerBit; phase++) {
            int[] bits = bits(samples, phase, samplesPerBit);
            for (int rotation = 0; rotation < message.length; rotation++) {
                int errors = 0;
                for (int k = 0; k < bits.length; k++) {
                    if (bits[k] != message[(k + rotation) % message.length]) {
                        errors++;
                    }
                }
                if (best.bits() == 0 || errors < best.errors()) {
                    best = new Decoded(bits.length, errors, phase, rotation, bitsPerSecond);
                }
            }
        }
        return best;
    }

    /**
     * What the decoder finds in noise: the mean best error rate over {@code trials} shuffles of the
     * same samples (the sender's timing destroyed, their spread kept). A channel whose error rate
     * is near this carries nothing.
     */
    public static double chance(long[] samples, int samplesPerBit, int[] message, int trials, long seed) {
        java.util.Random random = new java.util.Random(seed);
        double sum = 0;
        for (int t = 0; t < trials; t++) {
            long[] shuffled = samples.clone();
            for (int i = shuffled.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                long swap = shuffled[i];
                shuffled[i] = shuffled[j];
                shuffled[j] = swap;
            }
            sum += decode(shuffled, samplesPerBit, message, 1).errorRate();
        }
        return sum / trials;
    }

    /** Bits at one phase: each window's mean progress, below the median of all windows = 1 (the sender was busy). */
    static int[] bits(long[] samples, int phase, int samplesPerBit) {
        int windows = (samples.length - phase) / samplesPerBit;
        double[] means = new double[windows];
        for (int k = 0; k < windows; k++) {
            double sum = 0;
            for (int i = 0; i < samplesPerBit; i++) {
                sum += samples[phase + k * samplesPerBit + i];
            }
            means[k] = sum / samplesPerBit;
        }
        double[] sorted = means.clone();
        Arrays.sort(sorted);
        double median = windows == 0 ? 0 : sorted[windows / 2];
        int[] bits = new int[windows];
        for (int k = 0; k < windows; k++) {
            bits[k] = means[k] < median ? 1 : 0;
        }
        return bits;
    }

    /** The receiver's samples from its console: the numbers of its "c N" lines. */
    public static long[] samples(String console) {
        List<Long> values = console.lines().filter(l -> l.startsWith("c ")).map(l -> l.substring(2).strip())
                .filter(s -> !s.isEmpty() && s.chars().allMatch(Character::isDigit)).map(Long::parseLong).toList();
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    /** The message covert-send repeats: 0xAA6876, most significant bit first. */
    public static int[] senderMessage() {
        int[] bits = new int[24];
        for (int i = 0; i < 24; i++) {
            bits[i] = (0xAA6876 >> (23 - i)) & 1;
        }
        return bits;
    }
}
