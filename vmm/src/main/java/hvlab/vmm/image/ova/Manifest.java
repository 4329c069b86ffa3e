package hvlab.vmm.image.ova;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OVF manifest (DSP0243 5.1): one line per file of the package, {@code SHA256(FILE)= HEX},
 * the descriptor included, the manifest and certificate themselves not. The line format is the
 * one {@code openssl dgst -sha256} prints, so a person can check an extracted image by hand
 * ({@code sha256sum} prints the same digests, in its own layout).
 *
 * <p>A manifest alone proves nothing against an attacker, who can change a file and write a new
 * manifest to match; it catches damage in transit. The signature over it ({@link CertificateFile})
 * is what ties the package to whoever signed it.
 */
public final class Manifest {
    private static final Pattern LINE = Pattern.compile("SHA256\\(([^()/\\\\]{1,100})\\)= ([0-9a-f]{64})");

    private Manifest() {}

    /** The manifest text for {@code digests} (file name to lower-case hex), in their order. */
    public static byte[] format(Map<String, String> digests) {
        StringBuilder out = new StringBuilder();
        digests.forEach((file, hex) -> out.append("SHA256(").append(file).append(")= ").append(hex).append('\n'));
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * File name to digest; {@code refuse} explains a line that is not a manifest line or a file
     * listed twice (a manifest that names a file twice could vouch for two contents at once).
     */
    public static Map<String, String> parse(byte[] manifest, java.util.function.Function<String, ImageRefused> refuse) {
        Map<String, String> digests = new LinkedHashMap<>();
        String text = new String(manifest, StandardCharsets.US_ASCII);
        int number = 0;
        for (String line : text.split("\n", -1)) {
            number++;
            if (line.isEmpty()) {
                continue;
            }
            Matcher m = LINE.matcher(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
            if (!m.matches()) {
                throw refuse.apply("line " + number + " is not 'SHA256(FILE)= 64 hex digits'");
            }
            if (digests.put(m.group(1), m.group(2)) != null) {
                throw refuse.apply("lists " + m.group(1) + " twice");
            }
        }
        return digests;
    }

    /**
     * What is wrong between a manifest's list and the files an archive holds (name to the SHA-256
     * computed while reading), as {@code {file, problem}}; null when they agree exactly. Exactly:
     * a file the manifest does not list was added, a listed file that is absent was removed.
     */
    public static String[] mismatch(Map<String, String> listed, Map<String, String> present, String manifestName) {
        for (String name : listed.keySet()) {
            if (!present.containsKey(name)) {
                return new String[] {manifestName, "lists " + name + ", which the archive does not hold (a file was removed)"};
            }
        }
        for (Map.Entry<String, String> file : present.entrySet()) {
            String expected = listed.get(file.getKey());
            if (expected == null) {
                return new String[] {file.getKey(), "is not in the manifest (a file was added)"};
            }
            if (!java.security.MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                    file.getValue().getBytes(StandardCharsets.US_ASCII))) {
                return new String[] {file.getKey(), "SHA-256 does not match the manifest"};
            }
        }
        return null;
    }
}
