package hvlab.vmm.host;

import java.time.Instant;

/**
 * One change of a VM's state: when, which VM, from what to what, who asked, and why (a crash
 * keeps its reason here). The UI, the secure log and the history graph subscribe to these.
 */
public record LifecycleEvent(Instant time, String host, String vm, String from, String to, String actor, String detail) {}
