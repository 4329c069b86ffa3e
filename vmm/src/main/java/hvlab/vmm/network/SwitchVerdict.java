package hvlab.vmm.network;

import java.util.List;

/** What the switch did with one frame: where it went, or why it was dropped. */
public sealed interface SwitchVerdict {
    /** Delivered to these ports (one when the destination was learnt, all others of its network when not, or broadcast). */
    record Delivered(List<String> ports, boolean flooded) implements SwitchVerdict {}

    /** Dropped, and why: a spoofed source, a malformed frame, a rate limit, no such port. */
    record Dropped(String reason) implements SwitchVerdict {}
}
