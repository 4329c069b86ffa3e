package hvlab.tui.language;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * {@code vm send NAME TEXT [--no-newline]}: type into the VM's serial port, as if at its console.
 * TEXT and a newline go in (as pressing Enter would); several words are joined by single spaces,
 * so {@code vm send t1 hello world} types what {@code vm send t1 "hello world"} types.
 */
@Command(name = "send", description = "Type TEXT and a newline into the VM's serial port.")
final class VmSendCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "NAME", description = "the VM")
    String name;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "TEXT", description = "what to type")
    List<String> words;

    @Option(names = "--no-newline", description = "type TEXT without the newline")
    boolean noNewline;

    @Override
    public String refusal(Place place) {
        return place.refuseUnlessHostKeepsRunning("vm send");
    }

    @Override
    public Reply run(Context context) {
        String text = String.join(" ", words) + (noNewline ? "" : "\n");
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        context.host().send(name, bytes);
        return new Reply(Map.of("vm", name, "text", text, "bytes", bytes.length),
                "typed '" + String.join(" ", words) + "'" + (noNewline ? "" : " and a newline") + " into " + name);
    }
}
