package hvlab.tui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The {@code hv run} contract of DESIGN.md section 6: output, JSON, exit statuses, one-line errors. */
class RunCommandTest {
    @TempDir
    Path dir;

    record Outcome(int status, String out, String err) {
        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(out);
        }
    }

    static Outcome hv(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Main.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path asm(String name, String body) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, "bits 32\norg 0x100000\n" + body);
        return file;
    }

    private static void assertOneLine(String err) {
        assertEquals(1, err.lines().count(), "exactly one line on stderr, got: " + err);
        assertTrue(err.startsWith("hv: "), err);
        assertFalse(err.contains("Exception"), "no stack trace or exception names: " + err);
    }

    @Test
    void helloPrintsGreetingAndCpl3() {
        Outcome o = hv("run", "hello");
        assertEquals(0, o.status());
        assertTrue(o.out().contains("Hello"), o.out());
        assertTrue(o.out().contains("CPL=3"), o.out());
    }

    @Test
    void jsonReportsExitSerialAndTrapsByKind() throws Exception {
        Path guest = asm("storm.asm", """
                        mov ecx, 100000
                .l:     cli
                        sti
                        dec ecx
                        jnz .l
                        mov dx, 0x3f8
                        mov al, 'k'
                        out dx, al
                        mov al, 0
                        out 0xf4, al
                """);
        Outcome o = hv("run", guest.toString(), "--json");
        assertEquals(1, o.status());
        JsonNode json = o.json();
        assertEquals("storm", json.get("guest").asText());
        assertEquals("trap", json.get("mode").asText());
        assertEquals("debug-exit", json.at("/exit/reason").asText());
        assertEquals(1, json.at("/exit/code").asInt());
        assertEquals("k", json.get("serial").asText());
        assertTrue(json.at("/traps/privileged").asLong() >= 200_000);
        assertEquals(2, json.at("/traps/io").asLong());
        assertTrue(json.has("wallMillis"));
    }

    @Test
    void unmappedReadIsAFaultWithTheAddressAndStatus70() throws Exception {
        Path guest = asm("wild.asm", "mov eax, [0x0badf00c]\n");
        Outcome o = hv("run", guest.toString(), "--json");
        assertEquals(70, o.status());
        JsonNode exit = o.json().get("exit");
        assertEquals("fault", exit.get("reason").asText());
        assertEquals(0x0badf00cL, exit.get("address").asLong());
        assertEquals(0x100000L, exit.get("eip").asLong());
        assertOneLine(o.err());
        // The JVM is unharmed: the next guest runs.
        assertEquals(0, hv("run", "hello").status());
    }

    @Test
    void notEmulatedInstructionNamesItself() throws Exception {
        Outcome o = hv("run", asm("realmode.asm", "mov eax, cr0\nand eax, ~1\nmov cr0, eax\n").toString());
        assertEquals(70, o.status());
        assertOneLine(o.err());
        assertTrue(o.err().contains("not emulated yet: real mode not supported"), o.err());
    }

    @Test
    void missingFileIs66() {
        Outcome o = hv("run", dir.resolve("nope.asm").toString());
        assertEquals(66, o.status());
        assertOneLine(o.err());
    }

    @Test
    void nasmErrorIs65WithNasmsMessage() throws Exception {
        Outcome o = hv("run", asm("broken.asm", "mov eax, \n").toString());
        assertEquals(65, o.status());
        assertOneLine(o.err());
        assertTrue(o.err().contains("broken.asm:3"), "NASM's own file:line message: " + o.err());
    }

    @Test
    void textFileGivenAsBinaryIs65() throws Exception {
        Path notBinary = dir.resolve("notes.bin");
        Files.writeString(notBinary, "this is a text file, certainly not machine code\n");
        Outcome o = hv("run", notBinary.toString());
        assertEquals(65, o.status());
        assertOneLine(o.err());
    }

    @Test
    void usageErrorsAre64() {
        for (String[] args : new String[][] {
                {"run"}, {"run", "hello", "--mem", "lots"}, {"run", "hello", "--mode", "magic"},
                {"run", "no-such-guest"}, {"run", "hello", "--mem", "1M"}, {"run", "hello", "--bogus"}}) {
            Outcome o = hv(args);
            assertEquals(64, o.status(), String.join(" ", args));
            assertOneLine(o.err());
        }
    }

    @Test
    void guestsListsTheBuiltIns() {
        Outcome o = hv("guests");
        assertEquals(0, o.status());
        assertTrue(o.out().contains("hello"), o.out());
    }

    @Test
    void modesChooseTheAnswerToSensitiveInstructions() throws Exception {
        Outcome trap = hv("run", "redpill", "--mode", "trap");
        assertTrue(trap.out().contains("a VMM is detected"), trap.out());
        Outcome bt = hv("run", "redpill", "--mode", "bt", "--json");
        JsonNode json = bt.json();
        assertEquals("bt", json.get("mode").asText());
        assertTrue(json.get("serial").asText().contains("no VMM detected"));
        assertTrue(json.get("translatedSites").asInt() >= 4);
        assertTrue(json.at("/traps/translated").asLong() >= 4);
    }

    @Test
    void pvHelloExplainsItselfOutsideParavirt() {
        Outcome refused = hv("run", "pv-hello");
        assertEquals((2 << 1) | 1, refused.status());
        assertTrue(refused.out().contains("--mode paravirt"), refused.out());
        assertEquals((0 << 1) | 1, hv("run", "pv-hello", "--mode", "paravirt").status());
    }

    @Test
    void absurdTimeoutsAreUsageErrorsNotOverflows() {
        for (String timeout : new String[] {"Infinity", "1e12", "-1", "NaN"}) {
            Outcome o = hv("run", "hello", "--timeout", timeout);
            assertEquals(64, o.status(), timeout + ": " + o.err());
            assertOneLine(o.err());
            assertTrue(o.err().contains("--timeout"), o.err());
        }
    }

    @Test
    void theGuestsEscapeSequencesAreShownNotObeyedUnlessRaw() throws Exception {
        // ESC [2J clears the screen; ESC ] 52 ; c ; ... BEL writes the clipboard in many terminals.
        Path guest = asm("escapes.asm", """
                %include "abi.inc"
                        mov esi, text
                        call print
                        debug_exit 0
                %include "serial.inc"
                text:   db 27, "[2J", 27, "]52;c;aGk=", 7, "ok", 10, 0
                """);
        Outcome safe = hv("run", guest.toString());
        assertFalse(safe.out().contains("\u001b"), "no raw ESC reaches the terminal");
        assertTrue(safe.out().contains("^[[2J^[]52;c;aGk=^Gok"), safe.out());
        Outcome raw = hv("run", guest.toString(), "--raw");
        assertTrue(raw.out().contains("\u001b[2J"), "--raw passes it through");
    }

    @Test
    void aGuestThatFloodsTheConsoleCannotExhaustMemoryAndJsonSaysWhatWasDropped() throws Exception {
        Path guest = asm("flood.asm", """
                %include "abi.inc"
                        mov ecx, 400000
                        mov dx, 0x3F8
                        mov al, 'x'
                .l:     out dx, al
                        dec ecx
                        jnz .l
                        debug_exit 0
                """);
        Outcome o = hv("run", guest.toString(), "--json");
        var json = o.json();
        assertEquals(1, json.get("exit").get("code").asInt());
        assertTrue(json.get("serial").asText().length() <= 256 * 1024, "only the last bytes are kept");
        assertEquals(400000 - json.get("serial").asText().length(), json.get("serialDropped").asLong());
    }

    @Test
    void hvosBootsWithTheDiskItShipsWith() throws Exception {
        Outcome o = hv("run", "hvos", "--json", "--timeout", "1");
        String serial = o.json().get("serial").asText();
        assertTrue(serial.startsWith("hvos: a small teaching OS\n"), serial);
        assertTrue(serial.contains("\ndisk: 18 files\n"), "hvos.img attached without being asked for: " + serial);
    }

    @Test
    void aDiskThatIsNotThereIsOneLineAnd66() {
        Outcome o = hv("run", "hvos", "--disk", dir.resolve("nope.img").toString());
        assertEquals(66, o.status());
        assertOneLine(o.err());
        assertTrue(o.err().contains("--disk"), o.err());
    }

    @Test
    void hvosIsListedWithItsReadmesFirstLine() {
        Outcome o = hv("guests");
        assertTrue(o.out().lines().anyMatch(l -> l.matches("hvos +a small teaching OS in C.*")), o.out());
        assertTrue(hv("guests", "hvos").out().contains("## Reading order"));
    }

    /** hv with {@code typed} on its standard input (a pipe, not a terminal). */
    static Outcome hvTyping(String typed, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Main.execute(args, new java.io.ByteArrayInputStream(typed.getBytes(StandardCharsets.US_ASCII)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), Main.IN_PROCESS);
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void hvosShellAnswersWhatIsTypedOnStdin() throws Exception {
        Outcome o = hvTyping("ps\necho typed through\n", "run", "hvos", "--stdin", "--json", "--timeout", "4");
        String serial = o.json().get("serial").asText();
        // The guest echoes what it reads; the line may arrive before the shell's first prompt.
        assertTrue(serial.contains("  PID  PPID STATE     PAGES NAME\n"), serial);
        assertTrue(serial.lines().anyMatch(l -> l.matches(" +1 +0 \\w+ +\\d+ init")), serial);
        assertTrue(serial.lines().anyMatch(l -> l.matches(" +\\d+ +2 running +\\d+ ps")), serial);
        assertTrue(serial.contains("typed through\n$ "), serial); // the output of echo, then a prompt
    }

    @Test
    void aPipeIsNotReadUnlessAskedFor() throws Exception {
        Outcome o = hvTyping("ps\n", "run", "hvos", "--json", "--timeout", "2");
        String serial = o.json().get("serial").asText();
        assertTrue(serial.contains("init: starting sh"), serial);
        assertFalse(serial.contains("PPID"), serial);
    }
}
