package hvlab.vmmm.migration;

import hvlab.vmm.host.Host;
import hvlab.vmmm.protocol.Frames;
import hvlab.vmmm.protocol.Message.Progress;
import hvlab.vmmm.protocol.MigrationLimits;
import hvlab.vmmm.tls.Tls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.function.Consumer;

/**
 * One live migration from a host of this process to a host at {@code address}: the connection
 * (TLS that demands the target's name, or plaintext when {@code insecure}) and {@link PreCopy}.
 * A host serving the manager's orders uses it, and so does {@code vm migrate} in a shell, whose
 * own host is the source.
 */
public final class Migrations {
    static final int CONNECT_MILLIS = 10_000;
    static final long FRAME_MILLIS = 30_000;

    private Migrations() {}

    /** The report; a failure is a {@link MigrationException} whose one line says where the VM is. */
    public static MigrationReport migrate(Host host, Tls tls, String vm, String target, InetSocketAddress address, boolean insecure,
                                          MigrationLimits limits, Consumer<Progress> progress) {
        if (target.equals(host.name())) {
            throw new MigrationException("'" + vm + "' is on " + host.name() + " already");
        }
        if (!host.hasVm(vm)) {
            throw new MigrationException("no VM named '" + vm + "' on host " + host.name());
        }
        try (Socket socket = insecure ? Tls.connectInsecure(address, CONNECT_MILLIS) : tls.connect(address, target, CONNECT_MILLIS);
             Frames link = new Frames(socket, FRAME_MILLIS)) {
            return new PreCopy(host, link, limits, progress).run(vm, target, !insecure);
        } catch (IOException e) {
            throw new MigrationException("migration of '" + vm + "' to " + target + " failed: cannot reach it at "
                    + address.getHostString() + ":" + address.getPort() + ": " + e.getMessage() + "; '" + vm + "' runs on on " + host.name());
        }
    }

    /** A round as one line, for people. */
    public static String describe(Progress p) {
        return String.format(java.util.Locale.ROOT, "  %-13s round %d: %d pages in %.1f ms, dirty rate %.0f pages/s, estimated downtime %.1f ms",
                p.phase(), p.round(), p.pages(), p.roundMicros() / 1000.0, p.dirtyPagesPerSecond(), p.estimatedDowntimeMicros() / 1000.0);
    }

    /** The outcome as one line. */
    public static String describe(MigrationReport r) {
        return String.format(java.util.Locale.ROOT, "migrated %s from %s to %s%s: downtime %.1f ms, total %.1f ms, %d pages%s", r.vm(), r.from(), r.to(),
                r.secure() ? " over TLS" : " (INSECURE: plaintext)", r.downtimeMicros() / 1000.0, r.totalMicros() / 1000.0, r.pagesSent(),
                r.vtpm() == null ? "" : "; its vTPM sealed to the TPM of " + r.vtpm());
    }
}
