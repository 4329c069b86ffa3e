package hvlab.tui.threat;

import hvlab.vmm.host.Host;
import hvlab.vmm.host.NetworkControl;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Network -> VM (paper IV.C.11: the VMM provides the network and can watch it): a machine on a
 * guest's network scans its ports and claims its IPv4 address with forged ARP replies. The
 * attackers are the {@code port-scan} and {@code arp-spoof} guests, the victim {@code net-echo}
 * (10.0.0.2), all on one private network of one host's switch. Defended: port security (on by
 * default) and an IDS on a mirror port; undefended: port security switched off and no mirror.
 */
final class NetworkToVm implements ThreatScenario {
    static final String FORGED = "52:54:00:66:66:66";

    @Override
    public String edge() {
        return "network-vm";
    }

    @Override
    public String title() {
        return "Network -> VM: an outsider attacks a VM";
    }

    @Override
    public String attacks() {
        return "a port scan of a guest; ARP spoofing to take over its address";
    }

    @Override
    public ScenarioRun run(boolean defended, Path scratch, Narration log) throws Exception {
        long start = System.currentTimeMillis();
        List<Finding> findings = new ArrayList<>();
        try (Host host = new Host("h1", scratch.resolve("h1"), 2)) {
            NetworkControl net = host.network();
            net.create("lan");
            if (defended) {
                net.mirror("lan", List.of("alert udp any any -> 10.0.0.2 any (msg:\"udp to the victim\";)"), "admin");
                log.step("net mirror lan --to ids (port-scan detector and one rule); port security on");
            } else {
                net.portSecurity("lan", false, "admin");
                log.step("no IDS; port security switched off on lan (a plain learning switch)");
            }
            for (String[] vm : new String[][] {{"victim", "net-echo"}, {"scanner", "port-scan"}, {"spoofer", "arp-spoof"}}) {
                host.create(new VmSpec(vm[0], vm[1], "4M", null, VmSpec.DEFAULT_WEIGHT, 0, null, false, "lan"));
            }
            host.act("victim", PowerAction.START, "tenant");
            Scratch.await(10_000, () -> host.console("victim", 0).text().contains("my MAC"));

            // The forger first, alone, so that what the victim receives meanwhile is the forger's;
            // the switch forgets what it learnt on a port when its VM stops, so its table is watched as it runs.
            long before = received(net, "victim");
            java.util.concurrent.atomic.AtomicReference<String> learnt = new java.util.concurrent.atomic.AtomicReference<>();
            Thread watcher = Thread.ofPlatform().daemon().start(() -> {
                while (!Thread.currentThread().isInterrupted() && learnt.get() == null) {
                    String port = net.show("lan").macTable().get(FORGED);
                    if (port != null) learnt.set(port);
                    Thread.onSpinWait();
                }
            });
            host.act("spoofer", PowerAction.START, "attacker");
            Scratch.await(15_000, () -> host.info("spoofer").state().equals("defined"));
            watcher.interrupt();
            // frames offered to the victim's card are counted once its thread takes them: give it a moment
            Scratch.await(1_000, () -> received(net, "victim") - before >= 3);
            long forgedIn = received(net, "victim") - before;
            log.step("spoofer: " + lastLine(host.console("spoofer", 0).text()) + "; the victim received " + forgedIn + " of them");
            host.act("scanner", PowerAction.START, "attacker");
            Scratch.await(15_000, () -> host.info("scanner").state().equals("defined"));
            log.step("scanner: " + lastLine(host.console("scanner", 0).text()));
            if (defended) {
                Scratch.await(3_000, () -> net.alerts().stream().anyMatch(a -> a.message().startsWith("port scan")));
                Scratch.await(3_000, () -> host.history("spoofer").stream().anyMatch(l -> l.contains("net-spoofed")));
            }

            long received = received(net, "victim") - before - forgedIn;
            findings.add(Finding.surface("probe the victim's ports", Feature.NETWORKING, Property.CONFIDENTIALITY, received > 0,
                    "the victim's port received " + received + " of the scanner's probes"));
            var scanAlert = net.alerts().stream().filter(a -> a.port().equals("scanner") && a.message().startsWith("port scan")).findFirst();
            findings.add(Finding.defence("scan without being noticed and named", Feature.NETWORKING, Property.NON_REPUDIATION,
                    scanAlert.isEmpty(), scanAlert.map(a -> "IDS alert on port " + a.port() + ": " + a.message())
                            .orElse("no alert: nobody watched the network")));

            long dropped = net.show("lan").ports().stream().filter(p -> p.vm().equals("spoofer")).mapToLong(NetworkControl.Port::spoofed)
                    .sum();
            findings.add(Finding.surface("claim 10.0.0.2 from the forged address " + FORGED, Feature.NETWORKING, Property.AUTHENTICITY,
                    forgedIn > 0, forgedIn > 0 ? "the switch delivered " + forgedIn + " ARP replies saying 10.0.0.2 is at " + FORGED + " to the victim"
                            : "the victim received none of the forged frames"));
            // Seen in the table while the forger was plugged in, or else by its consequence: a learning
            // switch forwards a frame only after learning its source (VirtualSwitch.send), so a forged
            // frame that reached the victim was learnt on the forger's port.
            boolean poisoned = learnt.get() != null || forgedIn > 0;
            findings.add(Finding.surface("poison the switch's table", Feature.NETWORKING, Property.INTEGRITY, poisoned,
                    learnt.get() != null ? "the switch learnt " + FORGED + " on port " + learnt.get() + ": traffic for it went to the forger"
                            : forgedIn > 0 ? "the switch forwarded " + forgedIn + " forged frames, learning " + FORGED + " on the forger's port"
                            : "port security dropped " + dropped + " forged frames; the table never held " + FORGED));
            boolean journalled = host.secureLog().stream().anyMatch(r -> r.kind().equals("net-spoofed") && r.vm().equals("spoofer"));
            findings.add(Finding.defence("forge without a trace", Feature.LOGGING, Property.NON_REPUDIATION, !journalled,
                    journalled ? "net-spoofed is in the spoofer's history and the secure log" : "no record of the forgery anywhere"));
        }
        return new ScenarioRun(edge(), defended, defended ? "port security on, IDS on a mirror port"
                : "port security off (weakened), no IDS", findings, System.currentTimeMillis() - start);
    }

    /** Frames the switch delivered to {@code vm}'s port: taken into its ring, or dropped for want of buffers. */
    private static long received(NetworkControl net, String vm) {
        return net.show("lan").ports().stream().filter(p -> p.vm().equals(vm)).mapToLong(p -> p.rxFrames() + p.rxDropped()).sum();
    }

    static String lastLine(String console) {
        List<String> lines = console.lines().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "(nothing)" : lines.getLast();
    }
}
