package hvlab.tui.threat;

import hvlab.vmm.covert.CovertChannelDecoder;
import hvlab.vmm.host.Host;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmSpec;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * VM -> VM (paper IV.C.3: VMs isolate better than processes, "however, covert channels are still
 * an issue"): a guest reads past its own RAM for its neighbour's memory, and two VMs that share
 * nothing configured talk through the CPU they share ({@code covert-send}, {@code covert-recv},
 * DESIGN.md section 9). Memory isolation cannot be switched off, so it holds in both forms; the
 * covert channel's defence can: undefended, the credit scheduler is work-conserving (the default);
 * defended, each VM is capped at 50% (fixed shares, at the price of half speed).
 */
final class VmToVm implements ThreatScenario {
    private static final long LISTEN_MILLIS = 8_000;
    private static final int SAMPLES_PER_BIT = 4;
    private static final int SKIP = 4;
    /** Below this error rate the bits got through: the undefended channel makes 3-5%, noise about 33%. */
    static final double WORKS = 0.15;

    @Override
    public String edge() {
        return "vm-vm";
    }

    @Override
    public String title() {
        return "VM -> VM: a VM attacks another VM";
    }

    @Override
    public String attacks() {
        return "read past its RAM for a neighbour's memory; leak bits to a neighbour through the shared CPU";
    }

    @Override
    public ScenarioRun run(boolean defended, Path scratch, Narration log) throws Exception {
        long start = System.currentTimeMillis();
        List<Finding> findings = new ArrayList<>();
        Path probe = scratch.resolve("probe.asm");
        try (InputStream in = VmToVm.class.getResourceAsStream("/threats/probe.asm")) {
            Files.write(probe, in.readAllBytes());
        }
        try (Host host = new Host("h1", scratch.resolve("h1"), 1)) {
            host.create(new VmSpec("probe", probe.toString(), "4M", null, VmSpec.DEFAULT_WEIGHT, 0, null));
            host.act("probe", PowerAction.START, "attacker");
            Scratch.await(10_000, () -> !host.info("probe").state().equals("running"));
            String said = host.console("probe", 0).text();
            boolean escaped = said.contains("ESCAPED");
            String ending = host.history("probe").stream().filter(l -> !l.contains("start")).reduce((a, b) -> b).orElse("");
            log.step("probe: " + NetworkToVm.lastLine(said) + "; then " + host.info("probe").state());
            findings.add(Finding.surface("read a neighbour's memory", Feature.ISOLATION, Property.CONFIDENTIALITY, escaped,
                    escaped ? "the guest read past its RAM" : "the VMM refused the address and ended the VM: " + trim(ending)));

            int cap = defended ? 50 : 0;
            host.create(new VmSpec("recv", "covert-recv", null, null, VmSpec.DEFAULT_WEIGHT, cap, null));
            host.create(new VmSpec("send", "covert-send", null, null, VmSpec.DEFAULT_WEIGHT, cap, null));
            host.act("recv", PowerAction.START, "tenant");
            host.act("send", PowerAction.START, "attacker");
            log.step("covert-send and covert-recv share one CPU" + (defended ? ", each capped at 50%" : " (work-conserving)")
                    + "; listening " + LISTEN_MILLIS / 1000 + " s");
            Thread.sleep(LISTEN_MILLIS);
            host.act("send", PowerAction.POWEROFF, "attacker");
            host.act("recv", PowerAction.POWEROFF, "tenant");
            long[] samples = CovertChannelDecoder.samples(host.console("recv", 0).text());
            long[] used = Arrays.copyOfRange(samples, Math.min(SKIP, samples.length), samples.length);
            int[] message = CovertChannelDecoder.senderMessage();
            var decoded = CovertChannelDecoder.decode(used, SAMPLES_PER_BIT, message, 5);
            double chance = CovertChannelDecoder.chance(used, SAMPLES_PER_BIT, message, 20, 1);
            boolean heard = decoded.bits() >= 12 && decoded.errorRate() < WORKS;
            String evidence = String.format(Locale.ROOT, "%d bits heard, %d wrong (%.0f%%; noise alone %.0f%%), %.1f bit/s",
                    decoded.bits(), decoded.errors(), 100 * decoded.errorRate(), 100 * chance, decoded.capacity());
            log.step("decoded: " + evidence);
            findings.add(Finding.surface("leak bits through the shared CPU", Feature.ISOLATION, Property.CONFIDENTIALITY, heard, evidence));
            findings.add(Finding.defence("leak bits despite the scheduler's limits", Feature.VMM_LOAD_BALANCING, Property.CONFIDENTIALITY,
                    heard, defended ? "caps of 50%: " + evidence : "no caps set"));
        }
        return new ScenarioRun(edge(), defended, defended ? "caps of 50% on both VMs (fixed shares)"
                : "the work-conserving credit scheduler (the default)", findings, System.currentTimeMillis() - start);
    }

    private static String trim(String line) {
        return line.length() > 120 ? line.substring(0, 120) + "..." : line;
    }
}
