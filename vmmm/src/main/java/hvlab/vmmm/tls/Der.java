package hvlab.vmmm.tls;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Just enough ASN.1 DER to write an X.509 certificate (RFC 5280). The JDK verifies and uses
 * certificates but has no public API to make one (keytool does it with internal classes), and
 * this project takes no extra crypto library: a certificate is a short, regular structure, and
 * writing it by hand shows a student what one is: a signed list of name, key, dates, extensions.
 */
final class Der {
    private Der() {}

    static byte[] tlv(int tag, byte[]... parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] part : parts) body.writeBytes(part);
        byte[] content = body.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) out.write(n >>> (8 * i));
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    static byte[] sequence(byte[]... parts) {
        return tlv(0x30, parts);
    }

    static byte[] set(byte[]... parts) {
        return tlv(0x31, parts);
    }

    static byte[] integer(BigInteger value) {
        return tlv(0x02, value.toByteArray());
    }

    static byte[] bool(boolean value) {
        return tlv(0x01, new byte[] {(byte) (value ? 0xff : 0)});
    }

    static byte[] octets(byte[] value) {
        return tlv(0x04, value);
    }

    static byte[] bits(byte[] value) {
        byte[] withUnused = new byte[value.length + 1];
        System.arraycopy(value, 0, withUnused, 1, value.length);
        return tlv(0x03, withUnused);
    }

    static byte[] utf8(String text) {
        return tlv(0x0c, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Context-specific, constructed: {@code [n]} wrapping its contents (explicit tagging). */
    static byte[] explicit(int n, byte[] content) {
        return tlv(0xa0 | n, content);
    }

    static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(Integer.parseInt(arcs[0]) * 40 + Integer.parseInt(arcs[1]));
        for (int i = 2; i < arcs.length; i++) {
            long arc = Long.parseLong(arcs[i]);
            int groups = Math.max(1, (64 - Long.numberOfLeadingZeros(arc) + 6) / 7);
            for (int g = groups - 1; g >= 0; g--) {
                out.write((int) ((arc >>> (7 * g)) & 0x7f) | (g > 0 ? 0x80 : 0));
            }
        }
        return tlv(0x06, out.toByteArray());
    }

    /** UTCTime (years 1950-2049), as RFC 5280 asks for those years. */
    static byte[] time(ZonedDateTime at) {
        String text = at.withZoneSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyMMddHHmmss")) + "Z";
        return tlv(0x17, text.getBytes(StandardCharsets.US_ASCII));
    }

    /** A distinguished name with one common name: {@code CN=name}. */
    static byte[] name(String commonName) {
        return sequence(set(sequence(oid("2.5.4.3"), utf8(commonName))));
    }
}
