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
                        long syscallTable, int syscallCount, long textStart, long textEnd) {

    /** A profile that cannot be used, with what is wrong in it. */
    public static final class BadProfile extends Exception {
        BadProfile(String message) {
            super(message, null, false, false);
        }
    }

    public OsProfile {
        states = Map.copyOf(states);
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
        JsonNode syscalls = need(root, "syscall_table");
        JsonNode text = need(root, "kernel_text");
        OsProfile profile = new OsProfile(root.path("os").asText("unknown"), number(table, "address"), (int) number(table, "count"),
                (int) number(table, "entry_size"), offset(fields, "pid"), offset(fields, "state"), offset(fields, "name"),
                (int) number(need(fields, "name"), "size"), offset(fields, "pgdir"), offset(fields, "parent"), states,
                number(syscalls, "address"), (int) number(syscalls, "count"), number(text, "start"), number(text, "end"));
        if (profile.processCount() <= 0 || profile.processCount() > 4096 || profile.entrySize() <= 0 || profile.entrySize() > 65536
                || profile.nameSize() <= 0 || profile.nameSize() > 256) {
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
