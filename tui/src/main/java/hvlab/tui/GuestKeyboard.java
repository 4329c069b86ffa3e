package hvlab.tui;

import hvlab.vmm.host.Host;
import hvlab.vmm.host.HostException;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * {@code hv run}'s keyboard: what arrives on standard input goes to the guest's serial port, the
 * path {@code vm send} takes, so that a shell inside the guest (hvos's) can be used from the
 * command that booted it. A reader thread of its own feeds the bytes as they come; it is a daemon,
 * so a guest that ends ends the command even while the reader waits for a key.
 *
 * <p>On a terminal, the terminal's own echo is turned off while the guest runs (and back on at
 * the end, also after Ctrl-C): the guest echoes what it reads, as a serial console does, and two
 * echoes would show every line twice. The terminal keeps its line editing, so a line reaches the
 * guest when Enter is pressed.
 */
final class GuestKeyboard implements AutoCloseable {
    private final Thread reader;
    private final boolean terminal;
    private final Thread restoreOnExit;

    private GuestKeyboard(Thread reader, boolean terminal) {
        this.reader = reader;
        this.terminal = terminal;
        this.restoreOnExit = terminal ? new Thread(() -> stty("echo")) : null;
    }

    /** Starts feeding {@code in} to the VM {@code vm} of {@code host}; {@code terminal}: {@code in} is the user's terminal. */
    static GuestKeyboard attach(Host host, String vm, InputStream in, boolean terminal) {
        Thread reader = Thread.ofPlatform().daemon().name("hv-run-keyboard").unstarted(() -> feed(host, vm, in));
        GuestKeyboard keyboard = new GuestKeyboard(reader, terminal);
        if (terminal) {
            Runtime.getRuntime().addShutdownHook(keyboard.restoreOnExit);
            stty("-echo");
        }
        reader.start();
        return keyboard;
    }

    /** Whether standard input and output are the user's terminal (not a pipe, a file, or a test). */
    static boolean stdinIsTerminal() {
        java.io.Console console = System.console();
        return console != null && console.isTerminal();
    }

    private static void feed(Host host, String vm, InputStream in) {
        byte[] buffer = new byte[256];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                if (n > 0) {
                    host.send(vm, Arrays.copyOf(buffer, n));
                }
            }
        } catch (IOException | HostException e) {
            // End of input, or the VM has ended: nothing more to type, and nobody to tell.
        }
    }

    /** stty on the terminal this process was started from (its standard input). */
    private static void stty(String setting) {
        try {
            new ProcessBuilder("stty", setting).redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor();
        } catch (IOException e) {
            // No stty: the lines typed are shown twice, nothing worse.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        reader.interrupt(); // a blocked read is not interrupted; the daemon thread dies with the JVM
        if (terminal) {
            stty("echo");
            try {
                Runtime.getRuntime().removeShutdownHook(restoreOnExit);
            } catch (IllegalStateException shuttingDown) {
                // The hook runs anyway.
            }
        }
    }
}
