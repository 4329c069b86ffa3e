package hvlab.vmm.gdb;

/**
 * Turns packet bodies into {@link Request}s (gdb manual, E.2 "Packets"). Never throws: what
 * cannot be read is {@link Request.Malformed} or {@link Request.Unsupported}.
 */
public final class Requests {
    /** The most memory one {@code m} answers (gdb reads in pieces of its own choosing anyway). */
    public static final int MAX_READ = 4096;

    private Requests() {}

    public static Request parse(String body) {
        try {
            return parseOrThrow(body);
        } catch (IllegalArgumentException e) {
            return new Request.Malformed(e.getMessage() == null ? "unreadable" : e.getMessage());
        }
    }

    private static Request parseOrThrow(String body) {
        if (body.isEmpty()) {
            return new Request.Unsupported(body);
        }
        String rest = body.substring(1);
        return switch (body.charAt(0)) {
            case '?' -> new Request.WhyStopped();
            case 'g' -> new Request.ReadRegisters();
            case 'G' -> new Request.WriteRegisters(Rsp.unhex(rest));
            case 'p' -> new Request.ReadRegister(number(rest, 0xFF));
            case 'P' -> writeRegister(rest);
            case 'm' -> readMemory(rest);
            case 'M' -> writeMemory(rest);
            case 'c' -> rest.isEmpty() ? new Request.Continue() : new Request.Malformed("continuing at another address is not supported");
            case 's' -> rest.isEmpty() ? new Request.Step() : new Request.Malformed("stepping at another address is not supported");
            case 'Z', 'z' -> breakpoint(body.charAt(0) == 'Z', rest);
            case 'v' -> verbose(body);
            case 'q' -> query(body);
            case 'H', 'T' -> new Request.Thread();
            case 'D' -> new Request.Detach();
            case 'k' -> new Request.Kill(false);
            default -> new Request.Unsupported(body);
        };
    }

    private static Request writeRegister(String rest) {
        int equals = rest.indexOf('=');
        if (equals < 0) {
            throw new IllegalArgumentException("P needs n=value");
        }
        return new Request.WriteRegister(number(rest.substring(0, equals), 0xFF), Rsp.unhex(rest.substring(equals + 1)));
    }

    private static Request readMemory(String rest) {
        String[] parts = rest.split(",", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("m needs address,length");
        }
        long address = address(parts[0]);
        long length = number(parts[1], Integer.MAX_VALUE);
        return new Request.ReadMemory(address, (int) Math.min(length, MAX_READ));
    }

    private static Request writeMemory(String rest) {
        int colon = rest.indexOf(':');
        String[] parts = (colon < 0 ? "" : rest.substring(0, colon)).split(",", -1);
        if (colon < 0 || parts.length != 2) {
            throw new IllegalArgumentException("M needs address,length:bytes");
        }
        long address = address(parts[0]);
        long length = number(parts[1], Rsp.MAX_BODY);
        byte[] bytes = Rsp.unhex(rest.substring(colon + 1));
        if (bytes.length != length) {
            throw new IllegalArgumentException("M says " + length + " bytes and carries " + bytes.length);
        }
        return new Request.WriteMemory(address, bytes);
    }

    /** {@code Z type,addr,kind}: software (0) and hardware (1) breakpoints are the same to us; watchpoints are not offered. */
    private static Request breakpoint(boolean insert, String rest) {
        String[] parts = rest.split("[,;]", -1);
        if (parts.length < 3) {
            throw new IllegalArgumentException("Z needs type,address,kind");
        }
        if (!parts[0].equals("0") && !parts[0].equals("1")) {
            return new Request.Unsupported((insert ? "Z" : "z") + rest);
        }
        return new Request.Breakpoint(insert, address(parts[1]));
    }

    private static Request verbose(String body) {
        if (body.equals("vCont?")) {
            return new Request.VContQuery();
        }
        if (body.startsWith("vCont;")) {
            // The first action for our thread (or for all threads) decides; we have one CPU.
            for (String action : body.substring("vCont;".length()).split(";")) {
                String verb = action.contains(":") ? action.substring(0, action.indexOf(':')) : action;
                String thread = action.contains(":") ? action.substring(action.indexOf(':') + 1) : "-1";
                if (!thread.equals("-1") && !thread.equals("1") && !thread.equals("p1.1") && !thread.equals("p1.-1")) {
                    continue;
                }
                if (verb.startsWith("c") || verb.startsWith("C")) {
                    return new Request.Continue();
                }
                if (verb.startsWith("s") || verb.startsWith("S")) {
                    return new Request.Step();
                }
                throw new IllegalArgumentException("vCont action '" + verb + "' is not supported");
            }
            throw new IllegalArgumentException("vCont names no action for thread 1");
        }
        if (body.startsWith("vKill")) {
            return new Request.Kill(true);
        }
        return new Request.Unsupported(body);
    }

    private static Request query(String body) {
        if (body.startsWith("qSupported")) {
            return new Request.Supported();
        }
        if (body.equals("qAttached") || body.startsWith("qAttached:")) {
            return new Request.Attached();
        }
        if (body.equals("qC")) {
            return new Request.CurrentThread();
        }
        if (body.equals("qfThreadInfo") || body.equals("qsThreadInfo")) {
            return new Request.ThreadList(body.charAt(1) == 'f');
        }
        String xfer = "qXfer:features:read:";
        if (body.startsWith(xfer)) {
            String rest = body.substring(xfer.length());
            int colon = rest.lastIndexOf(':');
            String[] range = colon < 0 ? new String[0] : rest.substring(colon + 1).split(",", -1);
            if (colon < 0 || range.length != 2) {
                throw new IllegalArgumentException("qXfer needs annex:offset,length");
            }
            return new Request.Features(rest.substring(0, colon), (int) number(range[0], Integer.MAX_VALUE),
                    (int) number(range[1], Integer.MAX_VALUE));
        }
        return new Request.Unsupported(body);
    }

    /** A guest address: hex, at most 32 bits (this is an i386). */
    private static long address(String hex) {
        long value = number(hex, 0xFFFFFFFFL);
        return value;
    }

    /** A hex number no larger than {@code max}. */
    private static long number(String hex, long max) {
        if (hex.isEmpty() || hex.length() > 16) {
            throw new IllegalArgumentException("'" + shorten(hex) + "' is not a hex number");
        }
        long value;
        try {
            value = Long.parseUnsignedLong(hex, 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + shorten(hex) + "' is not a hex number");
        }
        if (Long.compareUnsigned(value, max) > 0) {
            throw new IllegalArgumentException(String.format("0x%s is beyond 0x%x", shorten(hex), max));
        }
        return value;
    }

    private static int number(String hex, int max) {
        return (int) number(hex, (long) max);
    }

    private static String shorten(String text) {
        return text.length() > 20 ? text.substring(0, 20) + "..." : text;
    }
}
