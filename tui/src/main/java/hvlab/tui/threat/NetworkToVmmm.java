package hvlab.tui.threat;

import hvlab.vmm.host.Host;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmSpec;
import hvlab.vmmm.manager.Datacenter;
import hvlab.vmmm.manager.EmbeddedDatacenter;
import hvlab.vmmm.protocol.Codec;
import hvlab.vmmm.protocol.Frames;
import hvlab.vmmm.protocol.Message;
import hvlab.vmmm.tls.DatacenterCa;
import hvlab.vmmm.tls.Tls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Network -> VMMM (paper IV.D.5: one point of control over every VMM, and V.C's VAServe, where an
 * intruder in the management deleted 100,000 sites): an outsider talks to a host's management
 * port with no credential, replays an order it overheard, and uses a host's stolen key to act as
 * the manager, and uses an operator's stolen credential for an admin's action ({@link StolenCredential}).
 * Defended: hvlab's {@code HostServer} (mutual TLS under the datacenter's CA; only the name
 * {@code manager} may call) and roles. Undefended: {@link OpenManagementPort}, a plaintext port that
 * takes calls from anyone, and a users file that makes every user an admin.
 */
final class NetworkToVmmm implements ThreatScenario {
    @Override
    public String edge() {
        return "network-vmmm";
    }

    @Override
    public String title() {
        return "Network -> VMMM: an outsider attacks the VMMM";
    }

    @Override
    public String attacks() {
        return "management calls with no credential; a replayed order; a stolen host key acting as the manager; "
                + "a stolen operator credential used for an admin's vmi write";
    }

    @Override
    public ScenarioRun run(boolean defended, Path scratch, Narration log) throws Exception {
        long start = System.currentTimeMillis();
        List<Finding> findings = new ArrayList<>();
        try (EmbeddedDatacenter dc = EmbeddedDatacenter.start(scratch, 2, 1, false)) {
            Host h1 = dc.host("h1");
            h1.create(VmSpec.of("web", "counter"));
            h1.act("web", PowerAction.START, "tenant");
            Scratch.await(10_000, () -> h1.console("web", 0).text().contains("count 1"));
            DatacenterCa ca = DatacenterCa.open(scratch.resolve("dc"));
            try (OpenManagementPort open = defended ? null : new OpenManagementPort(h1)) {
                InetSocketAddress door = defended ? dc.server("h1").address() : open.address();
                log.step(defended ? "h1's management port: mutual TLS, calls from 'manager' only"
                        : "h1's management port: plaintext, calls from anyone (weakened)");

                // 1. A stranger: no certificate of this datacenter (its own CA, or none at all).
                String console = stranger(defended, scratch, door, new Message.Call("console", List.of("web")));
                boolean read = console != null && console.contains("count ");
                findings.add(Finding.surface("read a VM's console with no credential", Feature.VMM_MANAGEMENT, Property.CONFIDENTIALITY,
                        read, read ? "the port answered with web's console (" + console.lines().count() + " lines)" : console == null
                                ? "no handshake: its certificate is not the datacenter's" : "refused: " + console));
                String off = stranger(defended, scratch, door, new Message.Call("poweroff", List.of("web")));
                boolean down = !h1.info("web").state().equals("running");
                log.step("stranger: console web -> " + (read ? "read" : "nothing") + "; poweroff web -> " + h1.info("web").state());
                findings.add(Finding.surface("power a VM off with no credential", Feature.VMM_MANAGEMENT, Property.AVAILABILITY, down,
                        down ? "web is " + h1.info("web").state() + " (" + off + ")" : "web runs on"));
                boolean blamed = down && String.join("\n", h1.history("web")).contains("manager");
                findings.add(Finding.surface("act in the manager's name", Feature.VMM_MANAGEMENT, Property.NON_REPUDIATION, blamed,
                        blamed ? "web's history says the manager powered it off: the stranger is not in it" : "nothing to attribute"));
                if (down) h1.act("web", PowerAction.START, "tenant");

                // 2. A replay: the operator's own poweroff, overheard on the wire and sent again later.
                boolean replayed = replay(defended, dc, ca, door, h1, log);
                findings.add(Finding.surface("replay an overheard order", Feature.VMM_MANAGEMENT, Property.INTEGRITY, replayed,
                        replayed ? "the recorded bytes, sent again, powered web off again: an order nobody gave"
                                : "the recorded TLS records mean nothing on a new connection: web runs on"));

                // 3. A stolen key: h2's own certificate and key, copied from h2, used to call as the manager.
                String stolen = asStolenHost(defended, ca, door);
                boolean accepted = stolen != null && stolen.startsWith("ok");
                log.step("with h2's stolen key: " + stolen);
                findings.add(Finding.defence("act as the manager with a host's stolen key", Feature.VMM_MANAGEMENT, Property.AUTHENTICITY,
                        accepted, accepted ? "the port cannot tell who is calling" : stolen));
            }

            // 4. A stolen operator credential used for an admin's action, through the management language.
            if (!h1.info("web").state().equals("running")) h1.act("web", PowerAction.START, "tenant");
            Scratch.await(10_000, () -> h1.console("web", 0).text().contains("count 1"));
            findings.addAll(StolenCredential.attack(defended, h1, "web", log));
        }
        return new ScenarioRun(edge(), defended, defended ? "mutual TLS, names checked (HostServer); olga is an operator"
                : "a plaintext management port that takes calls from anyone, a users file where everyone is an admin (weakened)", findings, System.currentTimeMillis() - start);
    }

    /** A call by someone with no credential of this datacenter: the answer's text, an error line, or null (no handshake). */
    private static String stranger(boolean defended, Path scratch, InetSocketAddress door, Message.Call call) {
        try (var socket = defended ? Tls.of(DatacenterCa.init(scratch.resolve("stranger-ca-" + call.command())), DatacenterCa.MANAGER)
                .connect(door, "h1", 5_000) : Tls.connectInsecure(door, 5_000);
             Frames link = new Frames(socket, 5_000)) {
            if (defended) link.send(new Message.Hello("manager", DatacenterCa.MANAGER, Codec.VERSION));
            link.send(call);
            return link.receive() instanceof Message.Result r ? r.text() : "no answer";
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean replay(boolean defended, EmbeddedDatacenter dc, DatacenterCa ca, InetSocketAddress door, Host h1,
                                  Narration log) throws Exception {
        byte[] overheard;
        try (Recorder wire = new Recorder(door)) {
            if (defended) {
                try (Datacenter operator = new Datacenter(ca)) {
                    operator.join("h1", wire.address(), null);
                    operator.call("h1", "poweroff", "web");
                }
            } else {
                try (Frames link = new Frames(Tls.connectInsecure(wire.address(), 5_000), 5_000)) {
                    link.send(new Message.Call("poweroff", List.of("web")));
                    link.receive();
                }
            }
            Scratch.await(2_000, () -> wire.recorded().length > 0 && !h1.info("web").state().equals("running"));
            overheard = wire.recorded();
        }
        h1.act("web", PowerAction.START, "tenant");
        Scratch.await(5_000, () -> h1.info("web").state().equals("running"));
        log.step("the operator powered web off and on again; the attacker recorded " + overheard.length + " bytes of it");
        String answer = Recorder.replay(overheard, door);
        boolean off = Scratch.await(1_000, () -> !h1.info("web").state().equals("running"));
        log.step("replayed them to h1: " + answer + "; web is " + h1.info("web").state());
        return off;
    }

    private static String asStolenHost(boolean defended, DatacenterCa ca, InetSocketAddress door) {
        try (var socket = defended ? Tls.of(ca, "h2").connect(door, "h1", 5_000) : Tls.connectInsecure(door, 5_000);
             Frames link = new Frames(socket, 5_000)) {
            if (defended) link.send(new Message.Hello("manager", DatacenterCa.MANAGER, Codec.VERSION));
            link.send(new Message.Call("console", List.of("web")));
            Message answer = link.receive();
            return switch (answer) {
                case Message.Result r when r.ok() -> "ok: it answered the call";
                case Message.Failure f -> "refused: " + f.reason();
                default -> "refused: " + answer;
            };
        } catch (IOException e) {
            return "refused: " + e.getMessage();
        }
    }
}
