import java.util.Arrays;

/** The receiver's side of a covert channel through the CPU (reference solution). */
public final class CovertDecoder {
    private CovertDecoder() {}

    public static String decode(double[] progress, int samplesPerBit) {
        int windows = progress.length / samplesPerBit;
        double[] averages = new double[windows];
        for (int w = 0; w < windows; w++) {
            double sum = 0;
            for (int i = 0; i < samplesPerBit; i++) {
                sum += progress[w * samplesPerBit + i];
            }
            averages[w] = sum / samplesPerBit;
        }
        if (windows == 0) {
            return "";
        }
        double[] sorted = averages.clone();
        Arrays.sort(sorted);
        double median = windows % 2 == 1 ? sorted[windows / 2] : (sorted[windows / 2 - 1] + sorted[windows / 2]) / 2;
        StringBuilder bits = new StringBuilder();
        for (double a : averages) {
            bits.append(a < median ? '1' : '0');
        }
        return bits.toString();
    }
}
