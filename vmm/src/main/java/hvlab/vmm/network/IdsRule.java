package hvlab.vmm.network;

import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One rule of the IDS on a mirror port, in the shape of the simplest Snort rules:
 * <pre>
 *   alert udp any any -> 10.0.0.2 1:1024 (msg:"udp to a low port"; content:"|de ad be ef|";)
 * </pre>
 * protocol ({@code ip}, {@code icmp}, {@code udp}, {@code tcp}), source address and port, then
 * destination address and port; an address is {@code any} or a dotted quad, a port {@code any},
 * a number or a range {@code LO:HI}; options: {@code msg} (what the alert says) and {@code content}
 * (bytes the payload must contain: text, with {@code |hex|} for raw bytes).
 */
public record IdsRule(String protocol, Integer source, PortRange sourcePorts, Integer destination, PortRange destinationPorts,
                      String message, byte[] content) {
    /** Ports LO to HI, both included; null bounds mean any. */
    public record PortRange(int low, int high) {
        static final PortRange ANY = new PortRange(0, 65535);

        boolean contains(int port) {
            return port >= low && port <= high;
        }
    }

    private static final Pattern RULE = Pattern.compile(
            "alert\\s+(ip|icmp|udp|tcp)\\s+(\\S+)\\s+(\\S+)\\s+->\\s+(\\S+)\\s+(\\S+)\\s*\\((.*)\\)\\s*");
    private static final Pattern OPTION = Pattern.compile("(\\w+)\\s*:\\s*\"([^\"]*)\"\\s*;");

    public static IdsRule parse(String line) {
        Matcher m = RULE.matcher(line.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a rule: expected 'alert PROTO SRC SPORT -> DST DPORT (msg:\"...\";)'");
        }
        String message = null;
        byte[] content = null;
        Matcher o = OPTION.matcher(m.group(6));
        while (o.find()) {
            switch (o.group(1)) {
                case "msg" -> message = o.group(2);
                case "content" -> content = content(o.group(2));
                default -> throw new IllegalArgumentException("unknown option '" + o.group(1) + "' (msg and content are known)");
            }
        }
        if (message == null) {
            throw new IllegalArgumentException("a rule needs msg:\"...\"; to say what it found");
        }
        return new IdsRule(m.group(1), address(m.group(2)), ports(m.group(3)), address(m.group(4)), ports(m.group(5)), message, content);
    }

    public boolean matches(Packet p) {
        boolean protocolOk = switch (protocol) {
            case "ip" -> true;
            case "icmp" -> p.protocol() == Packet.ICMP;
            case "udp" -> p.protocol() == Packet.UDP;
            default -> p.protocol() == Packet.TCP;
        };
        return protocolOk
                && (source == null || source == p.source()) && (destination == null || destination == p.destination())
                && (sourcePorts == PortRange.ANY || sourcePorts.contains(p.sourcePort()))
                && (destinationPorts == PortRange.ANY || destinationPorts.contains(p.destinationPort()))
                && (content == null || indexOf(p.payload(), content) >= 0);
    }

    private static Integer address(String text) {
        if (text.equals("any")) {
            return null;
        }
        String[] parts = text.split("\\.");
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + text);
        }
        int value = 0;
        for (String part : parts) {
            int octet = Integer.parseInt(part);
            if (octet < 0 || octet > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
            value = value << 8 | octet;
        }
        return value;
    }

    private static PortRange ports(String text) {
        if (text.equals("any")) {
            return PortRange.ANY;
        }
        String[] bounds = text.split(":", -1);
        int low = bounds[0].isEmpty() ? 0 : Integer.parseInt(bounds[0]);
        int high = bounds.length == 1 ? low : bounds[1].isEmpty() ? 65535 : Integer.parseInt(bounds[1]);
        if (low < 0 || high > 65535 || low > high) {
            throw new IllegalArgumentException("not a port range: " + text);
        }
        return new PortRange(low, high);
    }

    /** Snort's content: text, with raw bytes between bars ("GET |0d 0a|"). */
    private static byte[] content(String text) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        String[] parts = text.split("\\|", -1);
        for (int i = 0; i < parts.length; i++) {
            byte[] piece = i % 2 == 0 ? parts[i].getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)
                    : HexFormat.of().parseHex(parts[i].replace(" ", ""));
            out.writeBytes(piece);
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
