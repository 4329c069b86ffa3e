package hvlab.tui;

import com.fasterxml.jackson.databind.ObjectMapper;
import hvlab.vmm.ExecutionMode;
import hvlab.vmm.host.Host;
import hvlab.vmm.VmConfig;
import hvlab.vmm.VmExit;
import hvlab.vmm.VmResult;
import hvlab.vmm.image.GuestImage;
import hvlab.vmm.image.GuestImages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import hvlab.vmm.image.GuestImageException;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code hv run GUEST}: boot one guest, run it to its end, report. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Boot one guest and run it to its end.",
                "GUEST is a built-in guest name (see 'hv guests'), xv6 (MIT's, once built: README), an .asm, .c, .bin or .elf file."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:the guest halted", "(v<<1)|1:the guest wrote v to the debug-exit port 0xF4",
                "64:usage error", "65:bad input (NASM error, not a guest image)", "66:missing or unreadable file",
                "69:a native library or NASM is missing", "70:the guest faulted, timed out or hit something not emulated"})
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "GUEST", description = "built-in name, .asm or .bin")
    String guest;

    @Option(names = "--json", description = "print one JSON object instead of the guest's output")
    boolean json;

    @Option(names = "--mem", paramLabel = "SIZE", description = "guest RAM, e.g. 16M, 64M (default 16M; 256M for xv6)")
    String memory;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "trap",
            description = "trap (trap-and-emulate), bt (binary translation) or paravirt (default ${DEFAULT-VALUE})")
    String mode;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "stop the guest after this many seconds, 0 for never (default ${DEFAULT-VALUE})")
    double timeoutSeconds;

    @Option(names = "--disk", paramLabel = "FILE",
            description = "a raw disk image to attach, used in place (default: a built-in guest's own disk, such as hvos's, on a temporary copy)")
    String disk;

    @Option(names = "--apic", description = "an MP machine as xv6 expects: a local APIC at 0xFEE00000, an I/O APIC at "
            + "0xFEC00000 and the MP configuration table (GUESTS.md, \"APICs\")")
    boolean apic;

    @Option(names = "--if-mirror", negatable = true, description = "the real interrupt flag follows the guest's, so that PUSHF "
            + "shows what its CLI and STI set: how xv6 runs in trap mode (default: on for xv6, off for the rest; redpill then "
            + "sees 3 leaks of 4; DESIGN.md section 17)")
    Boolean ifMirror;

    @Option(names = "--raw", description = "pass the guest's escape sequences and control characters to the terminal "
            + "as they are (by default they are shown as ^[ and \\xNN, so a guest cannot drive your terminal)")
    boolean raw;

    /** A year: longer than any guest needs, short enough to stay clear of overflow. */
    private static final double MAX_TIMEOUT_SECONDS = 365 * 24 * 3600;
    private final hvlab.vmm.console.TerminalSafe safe = new hvlab.vmm.console.TerminalSafe();

    @Option(names = "--stdin", description = "type what arrives on standard input into the guest's serial port, as "
            + "'vm send' does (the default when standard input is a terminal: ./hv run hvos --timeout 0 gives its shell; "
            + "from a pipe: printf 'ps\\n' | hv run hvos --stdin)")
    boolean stdin;

    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;

    RunCommand(InputStream in, PrintStream out, PrintStream err) {
        this.in = in;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws Exception {
        ExecutionMode executionMode;
        long memoryBytes;
        try {
            executionMode = ExecutionMode.parse(mode);
            memoryBytes = memory == null ? GuestImages.defaultMemory(guest) : VmConfig.parseSize(memory);
            if (!(timeoutSeconds >= 0 && timeoutSeconds <= MAX_TIMEOUT_SECONDS)) {
                throw new IllegalArgumentException("--timeout must be a number of seconds from 0 (no limit) to "
                        + (long) MAX_TIMEOUT_SECONDS + " (a year), not " + timeoutSeconds);
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        GuestImage image = GuestImages.resolve(CallerPaths.resolveGuest(guest));
        VmResult result;
        VmConfig config;
        try {
            config = new VmConfig(image, memoryBytes, executionMode, Duration.ofMillis(Math.round(timeoutSeconds * 1000)));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        config = config.withMirroredInterruptFlag(ifMirror != null ? ifMirror : GuestImages.mirrorsInterruptFlag(guest));
        if (apic || GuestImages.needsApic(guest)) {
            config = config.withPlatform(config.platform().withApic(true));
        }
        Path temporaryDisk = null;
        try {
            if (disk != null) {
                Path path = CallerPaths.resolve(Path.of(disk));
                if (!Files.isRegularFile(path) || !Files.isReadable(path) || !Files.isWritable(path)) {
                    throw new GuestImageException(GuestImageException.Kind.MISSING_FILE,
                            "--disk " + disk + ": no such file, or not readable and writable");
                }
                config = config.withPlatform(config.platform().withDisk(path));
            } else if (GuestImages.builtInDisk(guest) != null) {
                temporaryDisk = Files.createTempFile("hvlab-" + guest, ".img");
                Files.write(temporaryDisk, GuestImages.builtInDisk(guest));
                config = config.withPlatform(config.platform().withDisk(temporaryDisk));
            }
            // One guest on a host of one CPU: the same scheduler, lifecycle and isolation as every VM.
            boolean terminal = !stdin && GuestKeyboard.stdinIsTerminal();
            GuestKeyboard[] keyboard = new GuestKeyboard[1];
            try (Host host = Host.temporary("local", 1)) {
                result = host.runToEnd(config, json ? b -> { } : this::echo,
                        vm -> keyboard[0] = stdin || terminal ? GuestKeyboard.attach(host, vm, in, terminal) : null);
            } finally {
                if (keyboard[0] != null) {
                    keyboard[0].close();
                }
            }
        } finally {
            if (temporaryDisk != null) {
                Files.deleteIfExists(temporaryDisk);
            }
        }
        if (!raw) {
            out.print(safe.finish());
        }
        out.flush();
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(ExitReport.json(result, memoryBytes)));
            out.flush();
        }
        if (result.exit().status() == VmExit.SOFTWARE_ERROR) {
            err.println("hv: " + result.exit().describe());
        } else if (!json) {
            err.println(ExitReport.summary(result));
        }
        return result.exit().status();
    }

    /** The guest's output, shown on the user's terminal: made harmless unless --raw (see TerminalSafe). */
    private void echo(int b) {
        if (raw) {
            out.write(b);
        } else {
            out.print(safe.accept(b));
        }
        if (b == '\n') {
            out.flush();
        }
    }
}
