package hvlab.vmm.vmi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Livewire's integrity checker for what an OS profile names (Garfinkel and Rosenblum, NDSS 2003):
 * the kernel's text, hashed, and each entry of its system-call table, as they were when the
 * baseline was taken. A rootkit that patches the kernel's code or points a system call at its own
 * function changes one of them, and the check names which, with the old and the new value. Read
 * from outside: nothing in the guest can hide the change from it.
 *
 * @param text     SHA-256 of the kernel text range
 * @param syscalls the system-call table's entries (handler addresses)
 */
public record KernelBaseline(String text, long[] syscalls) {

    /** A difference from the baseline: what, and its value then and now. */
    public record Finding(String what, String was, String now) {
        public String describe() {
            return what + " changed: " + was + " -> " + now;
        }
    }

    public static KernelBaseline take(Introspection view, OsProfile profile) {
        return new KernelBaseline(textHash(view, profile), table(view, profile));
    }

    public List<Finding> check(Introspection view, OsProfile profile) {
        List<Finding> findings = new ArrayList<>();
        String textNow = textHash(view, profile);
        if (!textNow.equals(text)) {
            findings.add(new Finding(String.format("the kernel text (0x%08x-0x%08x)", profile.textStart(), profile.textEnd()),
                    "sha256 " + text.substring(0, 16), "sha256 " + textNow.substring(0, 16)));
        }
        long[] now = table(view, profile);
        for (int i = 0; i < Math.min(now.length, syscalls.length); i++) {
            if (now[i] != syscalls[i]) {
                findings.add(new Finding("system call " + i, profile.describe(syscalls[i]), profile.describe(now[i])));
            }
        }
        return findings;
    }

    private static String textHash(Introspection view, OsProfile profile) {
        return view.hash(profile.textStart(), (int) (profile.textEnd() - profile.textStart()));
    }

    static long[] table(Introspection view, OsProfile profile) {
        ByteBuffer bytes = ByteBuffer.wrap(view.read(profile.syscallTable(), profile.syscallCount() * 4)).order(ByteOrder.LITTLE_ENDIAN);
        long[] entries = new long[profile.syscallCount()];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = Integer.toUnsignedLong(bytes.getInt(i * 4));
        }
        return entries;
    }
}
