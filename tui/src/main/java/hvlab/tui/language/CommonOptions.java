package hvlab.tui.language;

import picocli.CommandLine.Option;

/** The options every command takes, mixed into each one (so {@code help} lists them there too). */
final class CommonOptions {
    @Option(names = "--json", description = "print the result as JSON (errors as {\"error\": \"...\"})")
    boolean json;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    boolean help;
}
