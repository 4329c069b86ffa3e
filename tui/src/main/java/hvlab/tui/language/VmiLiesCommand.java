package hvlab.tui.language;

import hvlab.vmm.host.ConsoleOutput;
import hvlab.vmm.vmi.GuestProcess;
import hvlab.vmm.vmi.LieDetector;
import hvlab.vmm.vmi.VmiRequest;
import hvlab.vmm.vmi.VmiResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code vmi lies NAME}: Livewire's lie detector. Types {@code ps} at the guest's shell, waits for
 * its answer, reads the kernel's process table from outside, and names every process the kernel
 * has that ps did not show: what a rootkit hides from the guest's users cannot hide from the VMM.
 */
@Command(name = "lies", description = "Livewire's lie detector: the guest's own 'ps' against its kernel's process table "
        + "read from outside; names every hidden process (status 1 if any).")
final class VmiLiesCommand extends VmiLook {
    private static final Duration POLL = Duration.ofMillis(50);

    @Option(names = "--profile", paramLabel = "FILE", description = "an OS profile (JSON, as hvos.profile.json)")
    Path profile;

    @Option(names = "--timeout", paramLabel = "D", defaultValue = "5s", description = "how long to wait for ps (default ${DEFAULT-VALUE})")
    String timeout;

    @Override
    public Reply run(Context context) {
        var os = OsProfiles.forVm(context, vm, profile);
        Duration limit = Durations.parse(timeout);
        long from = context.host().console(vm, 0).next();
        context.host().send(vm, "ps\n".getBytes(StandardCharsets.US_ASCII));
        String answer = awaitPrompt(context, from, limit);
        VmiResult.Processes kernel = (VmiResult.Processes) ask(context, vm, new VmiRequest.Processes(os));
        List<GuestProcess> hidden = LieDetector.hidden(kernel.processes(), answer);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("vm", vm);
        data.put("kernel", kernel.processes());
        data.put("ps", answer);
        data.put("hidden", hidden);
        if (hidden.isEmpty()) {
            return new Reply(data, vm + ": no lies: ps shows all " + kernel.processes().size() + " processes of the kernel's table");
        }
        throw CommandFailure.failed(vm + ": ps hides " + VmiPsCommand.names(hidden)
                + " (a process started after ps ran shows here too: run it again to be sure)");
    }

    /** The console after {@code from}, once the shell has printed its prompt again. */
    private String awaitPrompt(Context context, long from, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            ConsoleOutput out = context.host().console(vm, from);
            String text = out.text();
            int end = text.lastIndexOf("\n$ ");
            if (end >= 0 && text.indexOf('\n') < end) {
                return text.substring(0, end);
            }
            if (System.nanoTime() > deadline) {
                throw CommandFailure.failed("the shell of " + vm + " did not answer 'ps' within " + Durations.format(limit)
                        + " (" + Waiting.lastLine(text) + ")");
            }
            try {
                Waiting.sleep(POLL, context.session(), "vmi lies");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw CommandFailure.cancelled("vmi lies");
            }
        }
    }
}
