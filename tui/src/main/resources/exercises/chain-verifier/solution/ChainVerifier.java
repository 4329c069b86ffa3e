import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** The secure log's verifier (reference solution). */
public final class ChainVerifier {
    private ChainVerifier() {}

    /** The position of the first record that does not verify, or -1 if all do. */
    public static int firstBadRecord(List<String> records) {
        String expectedPrevious = "0".repeat(64);
        for (int i = 0; i < records.size(); i++) {
            String[] fields = records.get(i).split(";", -1);
            if (fields.length != 4 || !fields[0].equals(Integer.toString(i)) || !fields[1].equals(expectedPrevious)) {
                return i;
            }
            String body = fields[0] + ";" + fields[1] + ";" + fields[2];
            if (!sha256(body).equals(fields[3])) {
                return i;
            }
            expectedPrevious = fields[3];
        }
        return -1;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
