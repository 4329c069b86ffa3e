package hvlab.tui.shell;

import hvlab.tui.FakeHost;
import hvlab.vmm.host.VmSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Tab completion: command words, options, VM names, guests and states where they go. */
class LanguageCompleterTest {
    final FakeHost host = new FakeHost();
    final LanguageCompleter completer = new LanguageCompleter(host);

    List<String> complete(String typing, String... before) {
        return completer.suggestions(List.of(before), typing).toList();
    }

    @Test
    void commandWordsFirst() {
        assertEquals(List.of("vm", "snapshot", "image", "vmi", "log", "user", "covert", "threat", "tpm", "net", "attest", "wait", "expect", "dc", "help", "quit", "exit"), complete(""));
        assertTrue(complete("", "vm").containsAll(List.of("create", "start", "pause", "list", "info", "console", "send")));
        assertEquals(List.of("console", "state", "share", "fails"), complete("", "expect"));
        assertTrue(complete("", "help", "vm").contains("shutdown"));
        assertEquals(List.of(), complete("", "frob"));
    }

    @Test
    void vmNamesWhereANameGoesAskedAfreshEachTime() {
        assertEquals(List.of(), complete("", "vm", "start"));
        host.create(VmSpec.of("web", "hello"));
        host.create(VmSpec.of("db", "hello"));
        assertEquals(List.of("web", "db"), complete("", "vm", "start"));
        assertEquals(List.of("web", "db"), complete("w", "expect", "share"));
        assertEquals(List.of("web", "db"), complete("", "wait"));
        assertEquals(List.of(), complete("", "vm", "start", "web"), "one NAME only");
    }

    @Test
    void optionsAndTheirValues() {
        assertTrue(complete("--", "vm", "create", "w1").containsAll(List.of("--guest", "--mem", "--weight", "--cap", "--json")));
        assertTrue(complete("", "vm", "create", "w1", "--guest").containsAll(List.of("hello")));
        assertEquals(List.of("trap", "bt", "paravirt"), complete("", "vm", "create", "w1", "--mode"));
        assertEquals(List.of("defined", "running", "paused", "shutting-down", "crashed"), complete("", "wait", "w1", "--state"));
        assertEquals(List.of("contains"), complete("", "expect", "console", "w1"));
        assertEquals(List.of("defined", "running", "paused", "shutting-down", "crashed"), complete("", "expect", "state", "w1"));
    }

    @Test
    void positionsCountPastOptionsAndTheirValues() {
        host.create(VmSpec.of("web", "hello"));
        assertEquals(List.of(), complete("", "vm", "send", "--no-newline", "web"), "after NAME comes TEXT, which we cannot guess");
        assertEquals(List.of("web"), complete("", "vm", "console", "--since", "10"));
    }
}
