package hvlab.vmm.vmi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * What introspection must know about a guest OS to read its data structures from outside: where
 * its process table is and how an entry is laid out, where its system-call table is, where its
 * kernel text lies. This is what LibVMI and Volatility call a profile; hvos's build writes one
 * from its symbol table ({@code hvos.profile.json}), so introspection never guesses. Without a
 * profile the VMM sees bytes; with one it sees processes (paper IV.C.7: the semantic gap).
 */
public record OsProfile(String os, long processTable, int processCount, int entrySize, int pidOffset, int stateOffset,
                        int nameOffset, int nameSize, int pgdirOffset, int parentOffset, Map<Integer, String> states,
                        long syscallTable, int syscallCount, long textStart, long textEnd, int killedOffset,
                        Map<String, Long> symbols) {

    /** A profile that cannot be used, with what is wrong in it. */
    public static final class BadProfile extends Exception {
        BadProfile(String message) {
            super(message, null, false, false);
        }
    }

    public OsProfile {
        states = Map.copyOf(states);
        symbols = Map.copyOf(symbols);
    }

    /** Whether the OS lets the VMM end a process by a flag in its table entry (hvos's {@code killed}). */
    public boolean canKill() {
        return killedOffset >= 0;
    }

    /**
     * An address as a person reads it: the kernel function it lies in ({@code sys_procs}, or
     * {@code sys_procs+0x10}) when it is in the kernel's text, else where it is not. A system
     * call pointing outside the kernel's text is the mark of a hook: no code of the kernel's own
     * lives anywhere else.
     */
    public String describe(long address) {
        String hex = String.format("0x%08x", address);
        if (address < textStart || address >= textEnd) {
            return hex + " (outside the kernel text)";
        }
        String best = null;
        long bestAt = -1;
        for (Map.Entry<String, Long> symbol : symbols.entrySet()) {
            long at = symbol.getValue();
            if (at <= address && at > bestAt && at >= textStart) {
                best = symbol.getKey();
                bestAt = at;
            }
        }
        if (best == null) {
            return hex + " (kernel text)";
        }
        return hex + " " + best + (address == bestAt ? "" : String.format("+0x%x", address - bestAt));
    }

    /** Reads a profile; anything missing or out of range is one {@link BadProfile} naming it. */
    public static OsProfile read(InputStream json) throws BadProfile {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new BadProfile("not a JSON profile: " + e.getMessage().lines().findFirst().orElse(""));
        }
        JsonNode table = need(root, "proc_table");
        JsonNode fields = need(table, "fields");
        Map<Integer, String> states = new HashMap<>();
        for (Map.Entry<String, JsonNode> state : need(table, "states").properties()) {
            try {
                states.put(Integer.parseInt(state.getKey()), state.getValue().asText());
            } catch (NumberFormatException e) {
                throw new BadProfile("the profile's state '" + state.getKey() + "' is not a number");
            }
        }
        JsonNode killed = fields.get("killed");
        Map<String, Long> symbols = new HashMap<>();
        for (Map.Entry<String, JsonNode> symbol : root.path("symbols").properties()) {
            if (symbol.getValue().canConvertToLong() && symbol.getValue().asLong() >= 0 && symbol.getValue().asLong() <= 0xFFFFFFFFL) {
                symbols.put(symbol.getKey(), symbol.getValue().asLong());
            }
        }
        JsonNode syscalls = need(root, "syscall_table");
        JsonNode text = need(root, "kernel_text");
        OsProfile profile = new OsProfile(root.path("os").asText("unknown"), number(table, "address"), (int) number(table, "count"),
                (int) number(table, "entry_size"), offset(fields, "pid"), offset(fields, "state"), offset(fields, "name"),
                (int) number(need(fields, "name"), "size"), offset(fields, "pgdir"), offset(fields, "parent"), states,
                number(syscalls, "address"), (int) number(syscalls, "count"), number(text, "start"), number(text, "end"),
                killed == null ? -1 : offset(fields, "killed"), symbols);
        if (profile.processCount() <= 0 || profile.processCount() > 4096 || profile.entrySize() <= 0 || profile.entrySize() > 65536
                || profile.nameSize() <= 0 || profile.nameSize() > 256 || profile.killedOffset() > profile.entrySize() - 4) {
            throw new BadProfile("the profile's process table is implausible (count " + profile.processCount() + ", entry "
                    + profile.entrySize() + " bytes, name " + profile.nameSize() + " bytes)");
        }
        return profile;
    }

    private static JsonNode need(JsonNode node, String name) throws BadProfile {
        JsonNode child = node.get(name);
        if (child == null || child.isNull()) {
            throw new BadProfile("the profile has no '" + name + "'");
        }
        return child;
    }

    private static long number(JsonNode node, String name) throws BadProfile {
        JsonNode value = need(node, name);
        if (!value.canConvertToLong() || value.asLong() < 0 || value.asLong() > 0xFFFFFFFFL) {
            throw new BadProfile("the profile's '" + name + "' is not an address or count: " + value);
        }
        return value.asLong();
    }

    private static int offset(JsonNode fields, String name) throws BadProfile {
        return (int) number(need(fields, name), "offset");
    }
}
