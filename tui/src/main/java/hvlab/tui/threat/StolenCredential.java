package hvlab.tui.threat;

import hvlab.tui.ExitStatus;
import hvlab.tui.language.Interpreter;
import hvlab.tui.language.Outcome;
import hvlab.tui.language.Place;
import hvlab.tui.roles.Principal;
import hvlab.tui.roles.Role;
import hvlab.tui.roles.Users;
import hvlab.vmm.host.Host;
import hvlab.vmm.log.LogRecord;
import hvlab.vmm.vmi.Signature;
import hvlab.vmm.vmi.VmiRequest;
import hvlab.vmm.vmi.VmiResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Part of Network -> VMMM: an attacker who got an operator's credential (phished, or read off a
 * shared script) uses it for an admin's action, an intervention in a guest's memory ({@code vmi
 * write}, the sharpest of IV.D.5's "enormous power"). The commands go through the management
 * language's own interpreter, as {@code hv script --user olga} runs them. Defended: olga is an
 * operator, as the admin listed her. Undefended, a weakened store whose users file makes every
 * user an admin (the "everyone is root" configuration roles exist to end). Either way the secure
 * log names olga: it cannot tell her from the thief, but nobody can deny that her credential did it.
 */
final class StolenCredential {
    static final String THIEF = "olga";
    private static final byte[] COUNT = "count ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FORGED = "COUNT!".getBytes(StandardCharsets.US_ASCII);

    private StolenCredential() {}

    static List<Finding> attack(boolean defended, Host host, String vm, ThreatScenario.Narration log) throws IOException {
        Users users = new Users(host.store().root());
        users.add("ann", Role.ADMIN);
        users.add(THIEF, defended ? Role.OPERATOR : Role.ADMIN);
        log.step("users file: ann admin, " + THIEF + (defended ? " operator" : " admin (weakened: every user is an admin)"));

        var scan = (VmiResult.Scan) host.vmi(vm, new VmiRequest.Scan(List.of(new Signature("its counter", COUNT))), "ann (admin)");
        if (scan.matches().isEmpty()) throw new IllegalStateException(vm + " has no 'count ' in its memory to aim at");
        long at = scan.matches().getFirst().address();

        Principal thief = users.resolve(THIEF, null);
        String line = "vmi write " + vm + " 0x" + Long.toHexString(at) + " " + HexFormat.of().formatHex(FORGED);
        Outcome outcome = new Interpreter(host, Place.SCRIPT, thief, users).execute(line);
        var after = (VmiResult.Bytes) host.vmi(vm, new VmiRequest.Read(at, FORGED.length), "ann (admin)");
        boolean written = Arrays.equals(after.bytes(), FORGED);
        String answer = outcome.ok() ? "ok" : "exit " + outcome.status() + ": " + outcome.error();
        log.step("with " + THIEF + "'s credential: " + line + " -> " + answer);
        String evidence = written ? "'count ' in " + vm + "'s memory now reads 'COUNT!' (" + answer + ")"
                : outcome.status() == ExitStatus.NO_PERMISSION ? outcome.error() : "the write did not stick (" + answer + ")";

        // Non-repudiation: is what the credential did, or tried, in the secure log under its name?
        String actor = thief.label();
        LogRecord trace = host.secureLog().stream()
                .filter(r -> r.actor().startsWith(actor) && r.details().getOrDefault("command", "").startsWith("vmi write"))
                .reduce((first, last) -> last).orElse(null);
        boolean untraced = trace == null;
        String traceEvidence = untraced ? "no record of " + THIEF + "'s vmi write in the secure log"
                : "secure log #" + trace.seq() + ": " + trace.actor() + ", '" + trace.details().get("command") + "': " + trace.details().get("outcome");
        log.step("the secure log: " + traceEvidence);
        return List.of(
                Finding.defence("an admin action with a stolen operator credential", Feature.VMM_MANAGEMENT, Property.INTEGRITY, written, evidence),
                Finding.defence("deny what a stolen credential did", Feature.LOGGING, Property.NON_REPUDIATION, untraced, traceEvidence));
    }
}
