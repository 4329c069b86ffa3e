package hvlab.tui;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** {@code hv tpm ...} and {@code hv attest ...} as a user types them, on a real host and store. */
class TpmCommandsTest {
    @TempDir
    Path dir;

    record Outcome(int status, String out, String err) {
        String both() {
            return "stdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    Outcome hv(String... words) {
        String[] args = new String[words.length + 2];
        System.arraycopy(words, 0, args, 0, words.length);
        args[words.length] = "--store";
        args[words.length + 1] = dir.resolve("store").toString();
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Main.execute(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Main.IN_PROCESS);
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static void assertOneLine(Outcome o) {
        assertEquals(1, o.err().lines().count(), "one line on stderr: " + o.both());
        assertFalse(o.err().contains("Exception") || o.err().contains("\tat "), "no stack trace: " + o.both());
    }

    @Test
    void anHonestHostAndVmAreTrustedAndAChangedImageIsNot() throws Exception {
        Outcome host = hv("attest", "local");
        assertEquals(0, host.status(), host.both());
        assertTrue(host.out().startsWith("host local: trusted"), host.out());

        assertEquals(0, hv("vm", "create", "w", "--guest", "hello").status());
        Outcome vm = hv("attest", "w");
        assertEquals(0, vm.status(), vm.both());
        assertTrue(vm.out().contains("deep quote"), vm.out());

        Path image = dir.resolve("store/vms/w/image.bin");
        byte[] bytes = Files.readAllBytes(image);
        bytes[bytes.length - 2] ^= 1;
        Files.write(image, bytes);
        Outcome changed = hv("attest", "w");
        assertEquals(1, changed.status(), changed.both());
        assertTrue(changed.out().contains("PCR 4") && changed.out().contains("EV_IPL"), changed.out());
        assertOneLine(changed);
        assertTrue(changed.err().contains("untrusted"), changed.err());

        Outcome log = hv("tpm", "log", "w");
        assertEquals(0, log.status(), log.both());
        assertTrue(log.out().contains("replayed: PCR 4 ✓ PCR 5 ✓"), log.out());
        assertEquals(0, hv("tpm", "accept", "w").status());
        assertEquals(0, hv("attest", "w").status(), "the changed image, accepted, is the reference now");
    }

    @Test
    void aNonceIsAcceptedOnce() {
        assertEquals(0, hv("attest", "local", "--nonce", "lecture-7").status());
        Outcome again = hv("attest", "local", "--nonce", "lecture-7", "--json");
        assertEquals(1, again.status(), again.both());
        assertTrue(again.out().contains("\"trusted\":false") && again.out().contains("REPLAYED"), again.out());
    }

    @Test
    void theHostsPcrsAndLogAgree() {
        Outcome pcrs = hv("tpm", "pcrs", "local");
        assertEquals(0, pcrs.status(), pcrs.both());
        assertTrue(pcrs.out().contains("PCR  0") && pcrs.out().contains("log replays ✓"), pcrs.out());
        Outcome log = hv("tpm", "log", "local", "--pcr", "7");
        assertTrue(log.out().contains("EV_HVLAB_POLICY"), log.out());
    }

    @Test
    void badInputIsOneLineAndANonZeroStatus() throws Exception {
        Outcome unknown = hv("attest", "nope");
        assertEquals(65, unknown.status());
        assertOneLine(unknown);
        Outcome noPolicy = hv("attest", "local", "--policy", dir.resolve("missing.json").toString());
        assertEquals(65, noPolicy.status());
        assertOneLine(noPolicy);
        Path junk = dir.resolve("junk.json");
        Files.writeString(junk, "{\"pcrs\": {\"0\": \"not hex\"}}");
        Outcome badPolicy = hv("attest", "local", "--policy", junk.toString());
        assertEquals(65, badPolicy.status(), badPolicy.both());
        assertOneLine(badPolicy);
        Outcome longNonce = hv("attest", "local", "--nonce", "x".repeat(65));
        assertEquals(64, longNonce.status());
        assertOneLine(longNonce);
        Outcome missing = hv("tpm", "log");
        assertEquals(64, missing.status());
        assertOneLine(missing);
        Outcome badPcr = hv("tpm", "log", "local", "--pcr", "99");
        assertEquals(64, badPcr.status());
        assertOneLine(badPcr);
    }

    /**
     * Terra's closed box, kept by every way the host has of looking inside a VM or changing it:
     * each vmi command and the debugger, tried on a running closed-box VM, is refused for that
     * reason (not for another, such as the VM not running or having no OS profile: hvos has
     * one), and an open-box twin is looked into.
     */
    @Test
    void everyIntrospectionCommandRefusesAClosedBoxVm() throws Exception {
        List<String> looks = List.of("vmi regs V", "vmi idt V", "vmi read V 0x100000 16", "vmi integrity V", "vmi scan V",
                "vmi restore V --idt 32", "vmi write V 0x200000 90", "vmi ps V", "vmi lies V --timeout 2s", "vmi kernel V",
                "vmi kill V 2", "vmi watch V --syscalls --for 1s", "vmi watch V --cr3 --for 1s", "vm gdb V --port 0");
        StringBuilder script = new StringBuilder("""
                vm create cb --guest hvos --closed-box
                vm create ob --guest ticks
                vm start cb
                vm start ob
                """);
        looks.forEach(c -> script.append("expect fails ").append(c.replace("V", "cb")).append('\n'));
        script.append("vmi regs ob\nvmi read ob 0x100000 16\nvm poweroff cb\nvm poweroff ob\n");
        Path file = Files.writeString(dir.resolve("closed.hv"), script);
        Outcome o = hv("script", file.toString());
        assertEquals(0, o.status(), o.both());
        String refusal = "'cb' is a closed-box VM: its policy, measured into its vTPM, forbids introspection";
        for (String c : looks) {
            String command = c.replace("V", "cb");
            assertTrue(o.out().contains("ok: '" + command + "' failed as expected:\n" + refusal), command + ":\n" + o.both());
        }
        assertTrue(o.out().contains("eip "), "the open box's registers were read: " + o.out());
    }
}
