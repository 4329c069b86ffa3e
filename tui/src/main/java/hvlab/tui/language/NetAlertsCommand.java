package hvlab.tui.language;

import hvlab.vmm.host.NetworkControl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.List;

/** {@code net alerts}: what the IDS on the mirror ports found. */
@Command(name = "alerts", description = "List the alerts of the IDS on mirrored networks, oldest first.")
final class NetAlertsCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Override
    public Reply run(Context context) {
        List<NetworkControl.Alert> alerts = context.host().network().alerts();
        if (alerts.isEmpty()) {
            return new Reply(alerts, "no alerts (a network is watched after 'net mirror NET --to ids')");
        }
        return new Reply(alerts, String.join("\n", alerts.stream().map(a -> a.time() + "  " + a.network() + "/" + a.port() + "  "
                + a.message() + "  [" + a.traffic() + "]").toList()));
    }
}
