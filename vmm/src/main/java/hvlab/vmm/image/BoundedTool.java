package hvlab.vmm.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a build tool (NASM, gcc) on a user's source with bounds on what it may cost: a source is
 * input from whoever wrote it, and a hostile one can make a tool loop for ever (a macro that
 * expands itself) or write without end. The VMM's work for a guest is bounded, this included.
 */
final class BoundedTool {
    /** The largest output a tool may write: a guest image loads at 1 MiB into at most 1 GiB of RAM. */
    static final long MAX_OUTPUT = 64L << 20;

    private BoundedTool() {}

    /**
     * Runs {@code command}, which writes {@code output}; fails with the tool's first message (and
     * how many more there were) if it fails, runs past {@code limitSeconds} or writes too much.
     */
    static void run(List<String> command, Path output, long limitSeconds, String tool, Path source) throws GuestImageException {
        Path log = null;
        try {
            log = Files.createTempFile("hvlab-" + tool, ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(limitSeconds);
            while (!process.waitFor(100, TimeUnit.MILLISECONDS)) {
                boolean late = System.nanoTime() > deadline;
                if (late || size(output) > MAX_OUTPUT || Files.size(log) > MAX_OUTPUT) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                    throw new GuestImageException(GuestImageException.Kind.BAD_INPUT, late
                            ? tool + " did not finish with " + source + " within " + limitSeconds + " s"
                            : tool + "'s output for " + source + " grew past " + (MAX_OUTPUT >> 20) + " MiB: not a guest image");
                }
            }
            String messages = readStart(log).trim();
            if (process.exitValue() != 0) {
                String first = messages.isEmpty() ? tool + " exited with status " + process.exitValue()
                        : messages.lines().filter(l -> l.contains("error")).findFirst().orElse(messages.lines().findFirst().orElse(""));
                long more = messages.lines().count() - 1;
                throw new GuestImageException(GuestImageException.Kind.BAD_INPUT,
                        first + (more > 0 ? " (and " + more + " more line" + (more > 1 ? "s" : "") + " from " + tool + ")" : ""));
            }
            if (size(output) > MAX_OUTPUT) {
                throw new GuestImageException(GuestImageException.Kind.BAD_INPUT, source + " builds to more than 64 MiB: not a guest image");
            }
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("error=2")) {
                throw new GuestImageException(GuestImageException.Kind.TOOL_MISSING,
                        tool + " is not installed: install it with 'apt-get install " + tool + "'");
            }
            throw new GuestImageException(GuestImageException.Kind.BAD_INPUT, "cannot build " + source + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuestImageException(GuestImageException.Kind.BAD_INPUT, "interrupted while building " + source);
        } finally {
            deleteQuietly(log);
        }
    }

    static void deleteQuietly(Path path) {
        if (path == null) return;
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // a stray temp file is harmless
        }
    }

    private static long size(Path file) throws IOException {
        return Files.exists(file) ? Files.size(file) : 0;
    }

    /** The first 64 KiB of the tool's messages: enough for the first error, bounded whatever it wrote. */
    private static String readStart(Path log) throws IOException {
        try (InputStream in = Files.newInputStream(log)) {
            return new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
        }
    }
}
