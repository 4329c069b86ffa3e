package hvlab.vmm.vmi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The guest kernel's process table, read from guest memory with an {@link OsProfile}: the view
 * Livewire's lie detector trusts, because no code in the guest stands between it and the bytes.
 * The table lies in kernel memory the profile names by its kernel address, which hvos maps onto
 * itself (linear = physical), so it is read at that physical address.
 */
public final class ProcessTable {
    private ProcessTable() {}

    public static List<GuestProcess> read(Introspection view, OsProfile profile) {
        byte[] table = view.read(profile.processTable(), profile.processCount() * profile.entrySize());
        ByteBuffer bytes = ByteBuffer.wrap(table).order(ByteOrder.LITTLE_ENDIAN);
        List<GuestProcess> processes = new ArrayList<>();
        for (int slot = 0; slot < profile.processCount(); slot++) {
            int base = slot * profile.entrySize();
            int state = bytes.getInt(base + profile.stateOffset());
            String stateName = profile.states().getOrDefault(state, "state " + state);
            if (stateName.equals("unused")) {
                continue;
            }
            long parentEntry = Integer.toUnsignedLong(bytes.getInt(base + profile.parentOffset()));
            processes.add(new GuestProcess(slot, bytes.getInt(base + profile.pidOffset()), stateName, name(table, base + profile.nameOffset(),
                    profile.nameSize()), Integer.toUnsignedLong(bytes.getInt(base + profile.pgdirOffset())), parentPid(bytes, profile, parentEntry)));
        }
        return processes;
    }

    /** "pid 5 (ps)": the process whose page directory is {@code cr3}, or "" when none is. */
    public static String owner(Introspection view, OsProfile profile, long cr3) {
        for (GuestProcess p : read(view, profile)) {
            if (p.pageDirectory() == cr3 && !p.state().equals("zombie")) {
                return "pid " + p.pid() + " (" + p.name() + ")";
            }
        }
        return "";
    }

    /** The parent's PID, found at the table entry the parent pointer names (0 when there is none or it points elsewhere). */
    private static int parentPid(ByteBuffer bytes, OsProfile profile, long parentEntry) {
        long offset = parentEntry - profile.processTable();
        if (parentEntry == 0 || offset < 0 || offset % profile.entrySize() != 0 || offset >= (long) profile.processCount() * profile.entrySize()) {
            return 0;
        }
        return bytes.getInt((int) offset + profile.pidOffset());
    }

    private static String name(byte[] table, int at, int size) {
        int end = at;
        while (end < at + size && table[end] != 0) {
            end++;
        }
        StringBuilder out = new StringBuilder();
        for (byte b : new String(table, at, end - at, StandardCharsets.ISO_8859_1).getBytes(StandardCharsets.ISO_8859_1)) {
            out.append(b >= 0x20 && b < 0x7F ? (char) b : '?'); // the guest's bytes, never the terminal's escapes
        }
        return out.toString();
    }
}
