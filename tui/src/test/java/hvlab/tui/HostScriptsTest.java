package hvlab.tui;

import hvlab.tui.language.Durations;
import hvlab.tui.script.Script;
import hvlab.vmm.host.Host;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The management language on a real host: real guests on Unicorn engines, scheduled by the
 * credit scheduler, kept in a real store. Each test runs {@code hv} as a user would, through
 * {@link Main}, with a store of its own.
 */
class HostScriptsTest {
    @TempDir
    Path dir;

    record Outcome(int status, String out, String err) {
        String both() {
            return "stdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    Outcome hv(String input, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Main.execute(args, new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), Main.IN_PROCESS);
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Outcome script(String name, String text, String... options) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        String[] args = new String[options.length + 4];
        args[0] = "script";
        args[1] = file.toString();
        args[2] = "--store";
        args[3] = store().toString();
        System.arraycopy(options, 0, args, 4, options.length);
        return hv("", args);
    }

    Path store() {
        return dir.resolve("store");
    }

    static String shipped(String name) throws IOException {
        try (InputStream in = Script.class.getResourceAsStream("/scripts/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theFairSharesScriptOfTheIssue() throws Exception {
        String text = shipped("fair-shares.hv");
        // Each check must see nothing but the contention it means: the wait before it is longer
        // than the window over which the host measures shares.
        Matcher waits = Pattern.compile("(?m)^wait --for (\\S+)").matcher(text);
        int count = 0;
        while (waits.find()) {
            count++;
            Duration wait = Durations.parse(waits.group(1));
            assertTrue(wait.compareTo(Host.MEASURING_WINDOW) > 0,
                    "wait --for " + waits.group(1) + " is not longer than the host's measuring window " + Host.MEASURING_WINDOW);
        }
        assertEquals(2, count);
        Outcome o = script("fair-shares.hv", text, "--threads", "1");
        assertEquals(0, o.status(), o.both());
        assertEquals(7, o.out().lines().filter(l -> l.startsWith("ok: share of w")).count(), o.both());
    }

    @Test
    void aFailingExpectExitsNonZeroNamingItsLine() throws Exception {
        Outcome o = script("greeting.hv", """
                # hello prints a greeting and halts
                vm create h1 --guest hello
                vm start h1
                wait h1 --state defined --timeout 10s
                expect console h1 contains "Goodbye"
                vm undefine h1
                """);
        assertEquals(ExitStatus.FAILED, o.status(), o.both());
        assertTrue(o.err().startsWith(dir.resolve("greeting.hv") + ":5: expect failed: the console of h1 does not contain 'Goodbye' "
                + "(its last line is "), o.both());
        assertEquals(1, o.err().lines().count(), o.both());
    }

    @Test
    void everyPowerTransitionFromAScript() throws Exception {
        Outcome o = script("power.hv", """
                vm create p1 --guest spinner
                expect state p1 defined
                vm start p1
                expect state p1 running
                vm pause p1
                expect state p1 paused
                vm resume p1
                expect state p1 running
                vm reset p1
                expect state p1 running
                vm poweroff p1
                expect state p1 defined
                vm start p1
                wait p1 --state running
                vm destroy p1
                expect state p1 defined
                vm undefine p1
                vm list --json
                """);
        assertEquals(0, o.status(), o.both());
        assertTrue(o.out().strip().endsWith("[]"), o.both());
    }

    @Test
    void aGuestThatIgnoresThePowerButtonFailsShutdownWithAHint() throws Exception {
        Outcome o = script("stubborn.hv", """
                vm create p1 --guest spinner
                vm start p1
                vm shutdown p1 --timeout 300ms
                """);
        assertEquals(ExitStatus.FAILED, o.status(), o.both());
        assertEquals(dir.resolve("stubborn.hv") + ":3: p1 did not power off within 300ms (its guest may ignore the power button): "
                + "'vm poweroff p1' pulls the plug\n", o.err());
    }

    @Test
    void theHvosTourTypesAtTheShellOfTheTeachingOs() throws Exception {
        Outcome o = script("hvos-tour.hv", shipped("hvos-tour.hv"));
        assertEquals(0, o.status(), o.both());
        assertTrue(o.out().contains("\n$ hello\nhello from pid "), o.both());
        assertTrue(o.out().contains(" (fault) killed: page fault at 0x00000000 (eip 0x4"), o.both());
        assertTrue(o.out().contains("\n$ cat nosuch\ncat: nosuch: no such file\n"), "the system ran on: " + o.both());
        assertTrue(o.out().matches("(?s).*os \\(hvos\\): \\d+ processes in the kernel's table.*\\n +1 +0 \\w+ +init .*"), o.both());
        assertTrue(o.out().contains("os: no lies: ps shows all"), o.both());
        assertTrue(o.out().contains("os: baseline taken: the kernel text and ") && o.out().contains("os: clean: the kernel text and "), o.both());
    }

    @Test
    void thePowerCycleScriptWithAGuestThatPowersOffWhenAsked() throws Exception {
        Outcome o = script("power-cycle.hv", shipped("power-cycle.hv"));
        assertEquals(0, o.status(), o.both());
        assertTrue(o.out().contains("p2 powered off after "), o.both());
    }

    @Test
    void theRollbackScriptRevertsACounterBranchesAndForksAClone() throws Exception {
        Outcome o = script("rollback.hv", shipped("rollback.hv"));
        assertEquals(0, o.status(), o.both());
        // The revert took the console back with the machine: count 40 had not happened.
        assertTrue(o.out().contains("ok: 'expect console r1 contains count 40' failed as expected"), o.both());
        String r1 = o.out().substring(o.out().indexOf("History of r1"), o.out().indexOf("Events:"));
        assertTrue(r1.contains("  ○ early  "), r1);
        assertTrue(r1.contains("  ├─○ late  "), r1);
        assertTrue(r1.contains("  │ └─✕ ") && r1.contains("a run left behind: reverted to early"), r1);
        assertTrue(r1.contains("  └─● branch  ") && r1.contains("◀ now"), r1);
        String g1 = o.out().substring(o.out().indexOf("History of g1"));
        assertTrue(g1.contains("⑂ g2  ") && g1.contains("cloned: g2 goes on from here"), g1);
        assertTrue(g1.contains("\"snap:s\" -> \"link0\" [label=\"clone-to\", style=dotted];"), g1);
        // genid saw the revert, and its clone saw that it is a copy.
        assertTrue(o.out().contains("'generation changed' is on the console of g1"), o.both());
        assertTrue(o.out().contains("'generation changed' is on the console of g2"), o.both());
    }

    @Test
    void theShellOnARealHostRefusesIllegalTransitionsNamingTheState() throws Exception {
        String input = """
                vm create p1 --guest spinner
                vm pause p1
                vm start p1
                vm start p1
                vm pause p1
                vm pause p1
                vm resume p1
                vm undefine p1
                vm poweroff p1
                vm poweroff p1
                vm info p1 --json
                quit
                """;
        Outcome o = hv(input, "shell", "--store", store().toString(), "--history", dir.resolve("history").toString(), "--threads", "1");
        assertEquals(0, o.status(), o.both());
        String screen = o.out();
        for (String line : List.of(
                "error: cannot pause 'p1': it is shut off (defined)",
                "p1 started (running)",
                "error: cannot start 'p1': it is running",
                "p1 paused (paused)",
                "error: cannot pause 'p1': it is paused",
                "p1 resumed (running)",
                "error: cannot undefine 'p1': it is running",
                "p1 powered off (defined)",
                "error: cannot poweroff 'p1': it is shut off (defined)",
                "\"state\":\"defined\"")) {
            assertTrue(screen.contains(line), line + " in:\n" + screen);
        }
    }

    @Test
    void definitionsOutliveTheProcessThatMadeThem() {
        String store = store().toString();
        assertEquals(0, hv("", "vm", "create", "keep", "--guest", "hello", "--store", store).status());
        Outcome list = hv("", "vm", "list", "--store", store);
        assertTrue(list.out().contains("keep  defined"), list.both());
        assertEquals(0, hv("", "vm", "undefine", "keep", "--store", store).status());
        assertTrue(hv("", "vm", "list", "--store", store).out().startsWith("no VMs defined"));
    }

    @Test
    void badDisksSizesAndStoresAreOneLineEach() throws Exception {
        String store = store().toString();
        Path tiny = dir.resolve("tiny.img");
        Files.write(tiny, new byte[100]);
        Path notAStore = dir.resolve("file");
        Files.writeString(notAStore, "x");
        record Case(int status, String message, String... args) {}
        for (Case c : List.of(
                new Case(ExitStatus.BAD_INPUT, "hv: --mem: not a memory size: '12Q' (try 16M, 512K or 1G)",
                        "vm", "create", "a", "--guest", "hello", "--mem", "12Q", "--store", store),
                new Case(ExitStatus.BAD_INPUT, "hv: --disk " + dir.resolve("none.img")
                        + ": no such file (give a size such as 32M to create a new disk)",
                        "vm", "create", "a", "--guest", "hello", "--disk", dir.resolve("none.img").toString(), "--store", store),
                new Case(ExitStatus.BAD_INPUT, "hv: --disk " + tiny + ": 100 bytes is not a disk (a whole number of 512-byte sectors, at least 8K)",
                        "vm", "create", "a", "--guest", "hello", "--disk", tiny.toString(), "--store", store),
                new Case(ExitStatus.BAD_INPUT, "hv: 'a b' is not a VM name: use letters, digits, '.', '_' or '-', starting with a letter or digit",
                        "vm", "create", "a b", "--guest", "hello", "--store", store),
                new Case(ExitStatus.CANT_CREATE, "hv: cannot use the store " + notAStore + ": ",
                        "vm", "list", "--store", notAStore.toString()))) {
            Outcome o = hv("", c.args());
            assertEquals(c.status(), o.status(), o.both());
            assertTrue(o.err().startsWith(c.message()), c.message() + " vs " + o.err());
            assertEquals(1, o.err().lines().count(), o.both());
        }
        assertTrue(hv("", "vm", "list", "--store", store).out().startsWith("no VMs defined"), "nothing half-made was left behind");
    }

    @Test
    void snapshotsRevertsAndClonesDrawAHistoryTree() throws Exception {
        Outcome o = script("history.hv", """
                vm create s1 --guest counter
                vm start s1
                wait s1 --console "count 2" --timeout 20s
                snapshot create s1 base
                wait s1 --console "count 4" --timeout 20s
                snapshot create s1 later
                snapshot revert s1 base
                expect state s1 running
                snapshot create s1 other
                snapshot list s1
                vm clone s1 s2
                expect state s2 defined
                vm history s1
                snapshot delete s1 later
                snapshot list s1 --json
                """);
        assertEquals(0, o.status(), o.both());
        assertTrue(o.out().contains("snapshot base of s1: all of RAM ("), o.both());
        assertTrue(o.out().contains("○ base  "), o.both());
        assertTrue(o.out().contains("├─○ later  "), o.both());
        assertTrue(o.out().contains("└─● other  "), o.both());
        assertTrue(o.out().contains("◀ now"), o.both());
        assertTrue(o.out().contains("reverted to base (new generation ID)"), o.both());
        assertTrue(o.out().contains("copied into s2"), o.both());
        String json = o.out().strip().lines().reduce((a, b) -> b).orElseThrow();
        var list = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        assertEquals(2, list.size(), json);
        assertTrue(list.get(0).get("created").isTextual(), json);
    }

    @Test
    void badSnapshotRequestsAreOneLineEach() throws Exception {
        script("setup.hv", "vm create s1 --guest spinner\nsnapshot create s1 first\n");
        for (String[] bad : new String[][] {
                {"snapshot revert s1 nope", "'s1' has no snapshot named 'nope'"},
                {"snapshot create s1 first", "'s1' already has a snapshot named 'first'"},
                {"snapshot create s1 ../escape", "is not a snapshot name"},
                {"snapshot delete s1 nope", "'s1' has no snapshot named 'nope'"},
                {"vm clone s1 s1", "already"},
                {"vm history nope", "no VM named 'nope'"}}) {
            Outcome o = script("bad.hv", bad[0] + "\n");
            assertNotEquals(0, o.status(), bad[0] + "\n" + o.both());
            assertEquals(1, o.err().lines().count(), o.both());
            assertTrue(o.err().contains(bad[1]), bad[0] + " -> " + o.err());
        }
    }

    @Test
    void aBackupRestoredBesideItsOriginalIsATwinThatResumes() throws Exception {
        Path backup = dir.resolve("c1.backup.ova");
        Outcome o = script("backup.hv", """
                vm create c1 --guest counter
                vm start c1
                wait c1 --console "count 3" --timeout 20s
                vm backup c1 %s
                expect state c1 running
                vm restore %s --as c2
                vm list
                vm start c2
                wait c2 --console "count 6" --timeout 20s
                vm history c1
                vm history c2
                """.formatted(backup, backup));
        assertEquals(0, o.status(), o.both());
        assertTrue(o.out().contains("backed up c1 (running) to " + backup), o.both());
        assertTrue(o.out().contains("restored c2 from " + backup + "; it was running and resumes where it was"), o.both());
        assertTrue(o.out().contains("it has the same identity as c1"), o.both());
        assertTrue(o.out().contains("c1 (twin!)") && o.out().contains("c2 (twin!)"), o.both());
        assertTrue(o.out().contains("backup             written to " + backup), o.both());
        assertTrue(o.out().contains("restore            restored from a backup of c1"), o.both());
        assertTrue(o.out().contains("duplicate-identity"), o.both());
    }

    @Test
    void vmTrapsShowsTheInstructionsThatTrappedAndWhatTheVmmDid() throws Exception {
        Outcome o = script("traps.hv", """
                vm create t1 --guest ticks
                vm start t1
                wait t1 --console "tick 3" --timeout 20s
                vm traps t1 --last 500
                vm traps t1 --kind io --last 3
                vm traps t1 --json
                """);
        assertEquals(0, o.status(), o.both());
        assertTrue(o.out().contains("t1: ") && o.out().contains("traps in all; kept: the first 256 of a quiet spell, then 20 a second"), o.both());
        // The first traps of a boot: the kernel loading its descriptor tables, caught as #GP and emulated.
        assertTrue(o.out().matches("(?s).*privileged +l[gi]dt .*\\[#GP\\] → emulated.*"), o.both());
        assertTrue(o.out().contains("io only"), o.both());
        assertTrue(o.out().contains("\"records\":[{\"seq\":"), o.both());
    }

    @Test
    void theSecureLogKeepsEveryEventAndCommandAndVerifyNamesATamperedLine() throws Exception {
        Outcome o = script("logged.hv", """
                vm create c1 --guest counter
                vm start c1
                vm send c1 my-secret-password
                snapshot create c1 s1
                vm poweroff c1
                """);
        assertEquals(0, o.status(), o.both());
        Outcome shown = hv("", "log", "show", "--vm", "c1", "--store", store().toString());
        assertEquals(0, shown.status(), shown.both());
        assertTrue(shown.out().contains("created") && shown.out().contains("started") && shown.out().contains("snapshot")
                && shown.out().contains("stopped"), shown.both());
        Outcome all = hv("", "log", "show", "--last", "100", "--store", store().toString());
        assertTrue(all.out().contains("command=vm start c1 outcome=ok") && all.out().contains("(admin), script "), all.both());
        assertTrue(all.out().contains("vm send c1 (18 characters, not logged)"), all.both());
        assertFalse(all.out().contains("my-secret-password"), "what is typed into a guest stays out of the log");

        Outcome verified = hv("", "log", "verify", "--store", store().toString());
        assertEquals(0, verified.status(), verified.both());
        assertTrue(verified.out().startsWith("secure log ok: "), verified.both());

        Path log = store().resolve("log/secure.log");
        List<String> lines = Files.readAllLines(log);
        int edited = 0;
        while (!lines.get(edited).contains("\"outcome\":\"ok\"")) {
            edited++;
        }
        lines.set(edited, lines.get(edited).replace("\"outcome\":\"ok\"", "\"outcome\":\"failed\""));
        Files.write(log, lines);
        Outcome tampered = hv("", "log", "verify", "--store", store().toString());
        assertEquals(1, tampered.status(), tampered.both());
        assertEquals("", tampered.out());
        assertTrue(tampered.err().strip().matches("hv: secure log TAMPERED at line \\d+: record \\d+ was edited.*"), tampered.both());
        assertEquals(1, tampered.err().strip().lines().count(), "one line: " + tampered.err());
    }

    @Test
    void theRootkitHidesAProcessAndIntrospectionFindsItAndPutsItBack() throws Exception {
        Outcome o = script("rootkit.hv", """
                vm create rk --guest rootkit
                vm start rk
                wait rk --console "ps: 3 processes" --timeout 20s
                vmi integrity rk
                vmi read rk 0x4000000 16
                """);
        assertNotEquals(0, o.status(), o.both());
        assertTrue(o.out().contains("rk: baseline taken: 2 IDT gates and their handlers"), o.both());
        assertTrue(o.err().contains("is not in the guest's 16 MiB of RAM"), "a read past RAM is refused: " + o.both());

        Outcome caught = script("caught.hv", """
                vm create rk2 --guest rootkit
                vm start rk2
                wait rk2 --console "ps: 3 processes" --timeout 20s
                vmi integrity rk2
                wait rk2 --console "ps: 2 processes" --timeout 20s
                vmi integrity rk2
                vmi scan rk2
                vmi restore rk2 --idt 0x80
                vmi integrity rk2
                wait --for 2500ms
                vm console rk2
                vm poweroff rk2
                """);
        assertEquals(0, caught.status(), caught.both());
        String out = caught.out();
        assertTrue(out.contains("rk2: CHANGED since the baseline (1):\n  vector 0x80: gate changed: 0008:"), out);
        assertTrue(out.contains("rootkit.hide-process ") && out.contains("rootkit.hide-process.code"), out);
        assertTrue(out.contains("rk2: restored IDT gate 0x80"), out);
        assertTrue(out.contains("rk2: clean: 2 IDT gates"), out);
        List<String> ps = out.lines().filter(l -> l.startsWith("ps: ")).toList();
        assertTrue(ps.contains("ps: 2 processes: init shell"), "hidden for a while: " + out);
        assertEquals("ps: 3 processes: init shell secret-miner", ps.getLast(), "the guest's own ps shows the process again: " + out);
        Outcome log = hv("", "log", "show", "--vm", "rk2", "--store", store().toString());
        assertTrue(log.out().contains("vmi-intervention") && log.out().contains("what=IDT gate 0x80"), log.both());
    }

    @Test
    void aRootkitInsideHvosIsFoundFromOutsideUndoneAndEveryStepIsInTheSecureLog() throws Exception {
        Outcome o = hv("", "script", "--store", store().toString(), "hvos-rootkit");
        assertEquals(0, o.status(), o.both());
        String out = o.out();
        assertTrue(out.contains("os: no lies: ps shows all 3 processes of the kernel's table"), "before the rootkit: " + out);
        assertTrue(out.contains("ok: 'vmi lies os' failed as expected:\nos: ps hides loop (pid 3)"), "the guest's ps hides loop: " + out);
        Matcher changed = Pattern.compile("system call 11 changed: (0x[0-9a-f]{8}) sys_procs -> (0x[0-9a-f]{8}) \\(outside the kernel text\\)")
                .matcher(out);
        assertTrue(changed.find(), "vmi kernel names the hooked entry with its old and new value: " + out);
        assertTrue(out.matches("(?s).*syscall 11  \\(outside the kernel text\\) +pid \\d+ \\(ps\\).*"), "events: " + out);
        assertTrue(out.matches("(?s).*break   0x[0-9a-f]{8} sys_procs +pid \\d+ \\(ps\\).*"), "the hook calls the real one: " + out);
        assertTrue(out.contains("os: restored system call 11\n  was " + changed.group(2) + " (outside the kernel text)\n  now "
                + changed.group(1) + " sys_procs\n  sha256 "), out);
        assertTrue(out.contains("os: clean: the kernel text and 22 system calls as in the baseline"), out);
        assertEquals(2, out.split("os: no lies: ps shows all 3 processes", -1).length - 1, "ps tells the truth again: " + out);
        assertTrue(out.contains("os: set process 3 (loop): its kill flag\n  was 0\n  now 1\n"), out);
        assertTrue(out.contains("'[3] done (status -9)' is on the console of os"), "hvos ended it and its shell collected it: " + out);
        String lastPs = out.substring(out.lastIndexOf("processes in the kernel's table"));
        assertTrue(lastPs.startsWith("processes in the kernel's table\n") && !lastPs.substring(0, lastPs.indexOf("secure log")).contains("loop"),
                "gone from the kernel's own table: " + lastPs);
        assertTrue(out.contains("secure log ok: "), out);

        Outcome verify = hv("", "log", "verify", "--store", store().toString());
        assertEquals(0, verify.status(), verify.both());
        String log = hv("", "log", "show", "--store", store().toString()).out();
        for (String step : List.of("vm start os", "vmi kernel os", "vm send os (17 characters, not logged)", "expect fails vmi lies os",
                "expect fails vmi kernel os", "vm pause os", "vmi restore os --syscall 11", "vm resume os", "vmi kill os 3",
                "what=system call 11", "what=process 3 (loop): its kill flag", "sha256-before=", "sha256-after=")) {
            assertTrue(log.contains(step), "the secure log has '" + step + "':\n" + log);
        }
        assertTrue(log.contains("(admin), script hvos-rootkit.hv:"), "each command with its user and role: " + log);
    }

    @Test
    void interventionsRefuseWhatTheyCannotDoWithOneLine() throws Exception {
        String boot = """
                vm create os --guest hvos
                vm start os
                wait os --console "init: starting sh" --timeout 20s
                """;
        record Case(String line, String error) {}
        for (Case c : List.of(
                new Case("vmi restore os --syscall 11", "no kernel baseline of 'os': run 'vmi kernel os' first, before anything changes"),
                new Case("vmi kill os 99", "'os' has no process 99 in its kernel's table (see 'vmi ps os')"),
                new Case("vmi kill os 0", "a process id is 1 or more, not 0"),
                new Case("vmi restore os --syscall 11 --idt 0x80", "vmi restore: error: --idt=VECTOR, --syscall=N are mutually exclusive"),
                new Case("vmi restore os --syscall 4096", "not a system call's number: 4096"),
                new Case("vmi watch os", "vmi watch needs at least one of --syscalls, --cr3, --break ADDR"),
                new Case("vmi watch os --break no_such_symbol", "not an address: 'no_such_symbol'"))) {
            Outcome o = script("bad.hv", "vm undefine os --if-exists\n" + boot + c.line() + "\n");
            assertNotEquals(0, o.status(), o.both());
            assertEquals(1, o.err().strip().lines().count(), "one line: " + o.both());
            assertTrue(o.err().contains(c.error()), c.line() + ": " + o.both());
        }
        Outcome range = script("range.hv", "vm undefine os --if-exists\n" + boot + "vmi kernel os\nvmi restore os --syscall 22\n");
        assertTrue(range.err().contains("'os' has system calls 0 to 21, not 22"), range.both());
    }

    @Test
    void vmiWatchReportsSystemCallsProcessSwitchesAndABreakpointFromOutside() throws Exception {
        Outcome o = script("watch.hv", """
                vm create os --guest hvos
                vm start os
                wait os --console "init: starting sh" --timeout 20s
                vm send os "loop &"
                wait os --console "] loop" --timeout 20s
                vm send os "sleep 2"
                vm send os "ps"
                vmi watch os --syscalls --cr3 --break sys_procs --for 4s --count 2000
                vm console os
                """);
        assertEquals(0, o.status(), o.both());
        String out = o.out();
        assertTrue(out.matches("(?s).*os: \\d+ events in 4s.*"), out);
        assertTrue(out.matches("(?s).*syscall 4   sys_exit +pid 4 \\(sleep\\) +ebx 00000000.*"), "sleep ends, exit(0): " + out);
        assertTrue(out.matches("(?s).*syscall 11  sys_procs +pid 5 \\(ps\\).*"), "ps asked the kernel for its processes: " + out);
        assertTrue(out.matches("(?s).*break   0x[0-9a-f]{8} sys_procs +pid 5 \\(ps\\).*"), "the hook at sys_procs fired: " + out);
        assertTrue(out.matches("(?s).*cr3     [0-9a-f]{8} -> [0-9a-f]{8}  pid 3 \\(loop\\).*"), "switches to loop: " + out);
        assertTrue(out.matches("(?s).*syscall 4   sys_exit +pid 5 \\(ps\\).*"), "ps ends by exit: " + out);
        assertTrue(out.contains("PPID STATE"), "the guest went on as before: " + out);
    }

    @Test
    void rolesAreCheckedOnTheCommandLineAndInScriptsAndRefusalsAreLogged() throws Exception {
        String at = store().toString();
        assertEquals(0, hv("", "user", "add", "carol", "auditor", "--store", at).status());
        assertEquals(0, hv("", "vm", "create", "w1", "--guest", "spinner", "--store", at).status());
        Outcome listed = hv("", "vm", "list", "--user", "carol", "--store", at);
        assertEquals(0, listed.status(), listed.both());
        Outcome refused = hv("", "vm", "undefine", "w1", "--user", "carol", "--store", at);
        assertEquals(ExitStatus.NO_PERMISSION, refused.status(), refused.both());
        assertEquals("hv: permission denied: carol is an auditor, and 'vm undefine' needs an operator\n", refused.err());
        Outcome raised = hv("", "vm", "list", "--user", "carol", "--role", "admin", "--store", at);
        assertEquals(ExitStatus.USAGE, raised.status(), raised.both());
        assertTrue(raised.err().contains("carol is an auditor: cannot act as an admin"), raised.both());
        Outcome unknown = hv("", "vm", "list", "--user", "mallory", "--store", at);
        assertEquals(ExitStatus.USAGE, unknown.status(), unknown.both());

        Outcome script = script("look.hv", "vm info w1\nvmi write w1 0x1000 90\n", "--role", "auditor");
        assertEquals(ExitStatus.NO_PERMISSION, script.status(), script.both());
        assertTrue(script.err().contains("look.hv:2: permission denied: "), script.both());
        assertTrue(script.err().endsWith("is an auditor, and 'vmi write' needs an admin\n"), script.both());
        String log = hv("", "log", "show", "--store", at).out();
        assertTrue(log.contains("carol (auditor), command line") && log.contains("refused: needs an operator"), log);
    }

    @Test
    void aCovertChannelThroughTheCpuCarriesBitsUntilCapsCloseIt() throws Exception {
        // 3-4% errors on the open channel on a quiet machine; a busy host (other builds running)
        // adds timing noise of its own, up to 30% seen at a load average of 12 on two cores, and
        // that noise can hide what the caps take away. An experiment drowned in the host's own
        // noise is run once more: the claim is about the scheduler, not about a neighbour's build.
        String failed = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            failed = covertChannelExperiment(store().resolveSibling("covert-" + attempt));
            if (failed == null) return;
        }
        fail(failed);
    }

    /** One run of the covert-channel script; null when it showed the leak and its closing, else why not. */
    private String covertChannelExperiment(Path store) throws Exception {
        Outcome o = hv("", "script", "--threads", "1", "--store", store.toString(), "covert-channel");
        assertEquals(0, o.status(), o.both());
        Matcher m = Pattern.compile("cc-recv: (\\d+) bits heard at 5 bit/s, (\\d+) wrong \\(([\\d.]+)%; noise alone: ([\\d.]+)%\\), "
                + "capacity ([\\d.]+) bit/s").matcher(o.out());
        assertTrue(m.find(), o.both());
        double open = Double.parseDouble(m.group(3));
        double openCapacity = Double.parseDouble(m.group(5));
        assertTrue(Integer.parseInt(m.group(1)) >= 40, o.both());
        // Under 25% errors the channel still carries over a fifth of a bit per bit sent.
        if (open >= 25) return "the work-conserving scheduler leaks the sender's bits: " + o.out();
        assertTrue(m.find(), o.both());
        double closed = Double.parseDouble(m.group(3));
        double closedCapacity = Double.parseDouble(m.group(5));
        // With caps the receiver's counts follow the scheduler's own accounting, and what the best
        // of the decoder's alignments still finds varies from run to run (17-31% errors against
        // 33-34% for noise alone, measured in eight runs): the claim tested is that the channel loses
        // most of what it carried, its capacity cut to less than half.
        if (closed > open + 10 && closedCapacity < openCapacity / 2) return null;
        return "caps make the receiver's progress independent of the sender: " + o.out();
    }
}
