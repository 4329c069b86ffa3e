package hvlab.tui.language;

import hvlab.vmm.host.HostControl;

/** Everything a command may use while it runs: the host it talks to, where it runs, and its session. */
public record Context(HostControl host, Place place, Session session) {}
