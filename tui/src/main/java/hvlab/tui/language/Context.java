package hvlab.tui.language;

import hvlab.vmm.host.HostControl;

/**
 * Everything a command may use while it runs: the host it talks to, where it runs, its session,
 * and the interpreter that runs it (for a command that runs another line: {@code expect fails}).
 */
public record Context(HostControl host, Place place, Session session, Interpreter interpreter) {}
