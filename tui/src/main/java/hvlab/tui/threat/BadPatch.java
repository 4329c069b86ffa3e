package hvlab.tui.threat;

import hvlab.vmm.devices.DiskImage;
import hvlab.vmm.host.Host;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmSpec;
import hvlab.vmm.log.LogRecord;
import hvlab.vmmm.patch.HvfsImage;
import hvlab.vmmm.patch.Patch;
import hvlab.vmmm.patch.PatchCatalog;
import hvlab.vmmm.patch.Patching;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * Part of VMMM -> VMM (paper IV.D.4): a compromised manager pushes a bad patch to an hvos VM, one
 * whose payload for the shell is not a program (the text of another patch's file: a botched or
 * malicious build, which no signature on patches catches, since hvlab's catalog has none). The
 * patch goes through the host's own patch step, {@code vmmm.patch.Patching.patch}, the step a host
 * runs when the manager calls {@code patch}, called here directly on the host with the attacker's
 * catalog (the host's call takes only the shipped catalog). Defended, that step snapshots first,
 * and the tenant's admin reverts; undefended, {@link UnguardedPatch} writes in place.
 */
final class BadPatch {
    static final String VM = "os";
    private static final Patch BAD = new Patch("HVSA-2026-666", "hvos: shell update (its payload is a text file, not a program)",
            List.of("hvos"), "critical", "file", "sh", "HVSA-2026-001.README");
    private static final String PROMPT = "the shell prompt came";
    private static final PatchCatalog ATTACKERS = new PatchCatalog(List.of(BAD));

    private BadPatch() {}

    static List<Finding> attack(boolean defended, Host host, ThreatScenario.Narration log) throws Exception {
        host.create(VmSpec.of(VM, "hvos"));
        String before = sh(host);
        if (defended) {
            var done = Patching.patch(host, VM, BAD.id(), ATTACKERS);
            log.step("manager: patch os " + BAD.id() + " (sh := a text file) -> snapshot '" + done.get("snapshot") + "' first, then " + done.get("changed"));
        } else {
            UnguardedPatch.apply(host, VM, BAD, ATTACKERS);
            log.step("manager: patch os " + BAD.id() + " (sh := a text file), in place, no snapshot (weakened)");
        }
        String broken = boot(host);
        log.step("os boots: " + broken);

        // The tenant's admin tries to get the VM back: a snapshot from before the patch, if there is one.
        String pre = host.snapshots(VM).stream().map(s -> s.name()).filter(n -> n.startsWith("pre-" + BAD.id())).findFirst().orElse(null);
        String recovered = "nothing to go back to: os has no snapshot (" + broken + ")";
        boolean down = true;
        if (pre != null) {
            off(host);
            host.revert(VM, pre, "ann (admin)");
            String again = boot(host);
            down = !again.equals(PROMPT);
            recovered = "reverted to '" + pre + "': " + again;
            log.step("ann (admin): revert os " + pre + " -> " + recovered);
        } else {
            log.step("ann (admin): snapshot list os -> none; " + recovered);
        }
        String after = sh(host);
        boolean altered = !after.equals(before);

        LogRecord trace = host.secureLog().stream().filter(r -> r.vm().equals(VM) && r.kind().equals("patched")).findFirst().orElse(null);
        String traceEvidence = trace == null ? "no record of the patch in the secure log"
                : "secure log #" + trace.seq() + ": " + trace.actor() + " patched " + VM + " with " + trace.details().get("patch")
                + ", changed " + trace.details().get("changed") + ", snapshot " + trace.details().get("snapshot");
        log.step("the secure log: " + traceEvidence);
        return List.of(
                Finding.defence("break a VM with a bad patch, for good", Feature.PATCHING, Property.AVAILABILITY, down, recovered),
                Finding.surface("leave a bad patch's change in the VM", Feature.PATCHING, Property.INTEGRITY, altered,
                        altered ? "sh on its disk is still the bad payload (SHA-256 " + after.substring(0, 16) + "..., was " + before.substring(0, 16) + "...)"
                                : "sh on its disk is the original again (SHA-256 " + after.substring(0, 16) + "...)"),
                Finding.defence("patch without a trace", Feature.LOGGING, Property.NON_REPUDIATION, trace == null, traceEvidence));
    }

    /** Starts the VM and waits for its shell's prompt or for init to give up; what the console showed. */
    private static String boot(Host host) throws InterruptedException {
        host.act(VM, PowerAction.START, "ann (admin)");
        Scratch.await(30_000, () -> {
            String text = host.console(VM, 0).text();
            return text.endsWith("$ ") || text.contains("panic");
        });
        String text = host.console(VM, 0).text();
        if (text.endsWith("$ ")) return PROMPT;
        String last = text.lines().filter(l -> l.contains("cannot start sh") || l.contains("panic")).findFirst().orElse("no shell prompt in 30 s");
        return "no shell: '" + last.strip() + "'";
    }

    /** A panicked hvos halts for good and its VM is off already; a running one is powered off. */
    private static void off(Host host) {
        String state = host.info(VM).state();
        if (state.equals("running") || state.equals("paused")) host.act(VM, PowerAction.POWEROFF, "ann (admin)");
    }

    /** SHA-256 of the shell on the VM's disk, as hex (read with the VM off or not yet booted). */
    private static String sh(Host host) throws Exception {
        Path disk = host.store().folder(VM).resolve(host.info(VM).disk());
        off(host);
        try (DiskImage image = DiskImage.open(disk, false)) {
            byte[] file = HvfsImage.read(image, "sh");
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file == null ? new byte[0] : file));
        }
    }
}
