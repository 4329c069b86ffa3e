package hvlab.vmm.vmi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A known byte pattern of a piece of malware, as a virus scanner's signature; Livewire's third
 * detector looked for them in a guest's memory from outside, where the malware cannot hide its
 * files or hook the scanner. A signature file has one per line: {@code NAME: "text"} or
 * {@code NAME: hex 90 90 cc}; {@code #} starts a comment.
 */
public record Signature(String name, byte[] pattern) {
    public Signature {
        pattern = pattern.clone();
        if (pattern.length < 4) {
            throw new IllegalArgumentException("signature '" + name + "' is too short to mean anything (at least 4 bytes)");
        }
    }

    @Override
    public byte[] pattern() {
        return pattern.clone();
    }

    /** The signatures hvlab ships (the teaching specimens' patterns). */
    public static List<Signature> shipped() {
        try (InputStream in = Signature.class.getResourceAsStream("/vmi/signatures.txt")) {
            return in == null ? List.of() : parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read hvlab's signatures", e);
        }
    }

    public static List<Signature> parse(String text) {
        List<Signature> signatures = new ArrayList<>();
        int number = 0;
        for (String raw : text.lines().toList()) {
            number++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("signature line " + number + ": expected 'NAME: \"text\"' or 'NAME: hex ..'");
            }
            String name = line.substring(0, colon).strip();
            String body = line.substring(colon + 1).strip();
            byte[] pattern;
            if (body.length() >= 2 && body.startsWith("\"") && body.endsWith("\"")) {
                pattern = body.substring(1, body.length() - 1).getBytes(StandardCharsets.ISO_8859_1);
            } else if (body.startsWith("hex ")) {
                try {
                    pattern = HexFormat.of().parseHex(body.substring(4).replace(" ", ""));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("signature line " + number + ": bad hex: " + e.getMessage());
                }
            } else {
                throw new IllegalArgumentException("signature line " + number + ": expected \"text\" or hex after the name");
            }
            signatures.add(new Signature(name, pattern));
        }
        return signatures;
    }
}
