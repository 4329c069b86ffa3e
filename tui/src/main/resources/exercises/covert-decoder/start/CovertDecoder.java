/** The receiver's side of a covert channel through the CPU: see 'hv exercise show covert-decoder'. */
public final class CovertDecoder {
    private CovertDecoder() {}

    public static String decode(double[] progress, int samplesPerBit) {
        // TODO: window averages, their median, and a bit per window.
        return "";
    }
}
