package hvlab.vmm.vmi;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Livewire's lie detector (Garfinkel and Rosenblum, NDSS 2003): what the guest's own {@code ps}
 * says against what introspection reads in its kernel. A process the kernel has and ps does not
 * show is hidden: a rootkit is lying to the guest's users. Pure logic; the host types the ps.
 */
public final class LieDetector {
    private LieDetector() {}

    /** The processes of {@code seen} whose PID no line of {@code psOutput} starts with. */
    public static List<GuestProcess> hidden(List<GuestProcess> seen, String psOutput) {
        Set<Integer> listed = new HashSet<>();
        for (String line : psOutput.split("\n")) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length >= 2 && fields[0].matches("\\d{1,9}")) {
                listed.add(Integer.parseInt(fields[0]));
            }
        }
        List<GuestProcess> hidden = new ArrayList<>();
        for (GuestProcess p : seen) {
            if (!listed.contains(p.pid())) {
                hidden.add(p);
            }
        }
        return hidden;
    }
}
