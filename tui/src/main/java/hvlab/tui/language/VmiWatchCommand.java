package hvlab.tui.language;

import hvlab.vmm.host.HostException;
import hvlab.vmm.vmi.EventWatch;
import hvlab.vmm.vmi.OsProfile;
import hvlab.vmm.vmi.VmiEvent;
import hvlab.vmm.vmi.VmiRequest;
import hvlab.vmm.vmi.VmiResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code vmi watch NAME --syscalls --cr3 --break ADDR --for D}: events inside a running VM as the
 * VMM sees them on its trap path, for a while, one line each. With an OS profile (hvos) each
 * event names its process (by the page directory in CR3), each system call its handler, and a
 * breakpoint may be a kernel symbol ({@code --break sys_procs}).
 */
@Command(name = "watch", description = {"Watch events inside a VM for a while: system calls (int 0x80), CR3 writes (process switches),",
        "instructions at an address (a hook: guest memory is not touched). One line each; the guest cannot tell."})
final class VmiWatchCommand extends VmiLook {
    private static final Duration POLL = Duration.ofMillis(50);

    @Option(names = "--syscalls", description = "each system call: its number, handler, arguments and process")
    boolean syscalls;

    @Option(names = "--vector", paramLabel = "V", defaultValue = "0x80", description = "the system-call vector (default ${DEFAULT-VALUE})")
    String vector;

    @Option(names = "--cr3", description = "each write of CR3: a switch to another address space (process)")
    boolean cr3;

    @Option(names = "--break", paramLabel = "ADDR", description = "each time the instruction at ADDR (or a kernel symbol) is about to run")
    List<String> breaks = new ArrayList<>();

    @Option(names = "--for", paramLabel = "D", defaultValue = "2s", description = "how long to watch (default ${DEFAULT-VALUE})")
    String duration;

    @Option(names = "--count", paramLabel = "N", defaultValue = "200", description = "stop after N events (default ${DEFAULT-VALUE})")
    int count;

    @Option(names = "--profile", paramLabel = "FILE", description = "an OS profile (JSON, as hvos.profile.json)")
    Path profile;

    @Override
    public Reply run(Context context) {
        if (!syscalls && !cr3 && breaks.isEmpty()) {
            throw CommandFailure.usage("vmi watch needs at least one of --syscalls, --cr3, --break ADDR");
        }
        if (count < 1) {
            throw CommandFailure.usage("--count must be 1 or more, not " + count);
        }
        Duration limit = Durations.parse(duration);
        OsProfile os = profile != null ? OsProfiles.forVm(context, vm, profile) : OsProfiles.builtIn(context.host().info(vm).guest());
        Set<Long> addresses = new LinkedHashSet<>();
        for (String b : breaks) {
            addresses.add(os != null && os.symbols().containsKey(b) ? os.symbols().get(b) : address(b));
        }
        long number = address(vector);
        if (number > 255) {
            throw CommandFailure.usage("a vector is 0 to 255 (0xff), not " + vector);
        }
        Map<Long, String> handlers = os == null ? Map.of() : handlers(context, os);
        EventWatch watch = ((VmiResult.Watching) ask(context, vm,
                new VmiRequest.Watch(new EventWatch.Spec(syscalls ? (int) number : -1, cr3, addresses, os)))).watch();
        List<VmiEvent> seen = new ArrayList<>();
        long dropped = 0;
        boolean cancelled = false;
        try {
            long deadline = System.nanoTime() + limit.toNanos();
            while (seen.size() < count && System.nanoTime() < deadline) {
                try {
                    Waiting.sleep(POLL, context.session(), "vmi watch");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    cancelled = true;
                    break;
                } catch (CommandFailure stopped) {
                    cancelled = true; // Ctrl-C: show what was seen
                    break;
                }
                EventWatch.Taken taken = watch.take();
                seen.addAll(taken.events());
                dropped += taken.dropped();
            }
        } finally {
            try {
                ask(context, vm, new VmiRequest.Unwatch(watch));
            } catch (HostException gone) {
                // the VM stopped meanwhile: its machine, and the watch with it, are gone
            }
        }
        EventWatch.Taken rest = watch.take();
        seen.addAll(rest.events());
        dropped += rest.dropped();
        if (seen.size() > count) {
            dropped += seen.size() - count;
            seen = new ArrayList<>(seen.subList(0, count));
        }
        List<String> lines = new ArrayList<>();
        lines.add(vm + ": " + seen.size() + " event" + (seen.size() == 1 ? "" : "s") + (cancelled ? " (stopped)" : " in " + Durations.format(limit))
                + (dropped > 0 ? ", " + dropped + " more not shown" : ""));
        long first = seen.isEmpty() ? 0 : seen.getFirst().virtualNanos();
        for (VmiEvent e : seen) {
            lines.add(describe(e, first, os, handlers));
        }
        return new Reply(Map.of("vm", vm, "events", seen, "dropped", dropped), String.join("\n", lines));
    }

    private static String describe(VmiEvent e, long first, OsProfile os, Map<Long, String> handlers) {
        String when = String.format("%+9.3f ms", (e.virtualNanos() - first) / 1e6);
        String who = e.process().isEmpty() ? String.format("cr3 %08x", e.cr3()) : e.process();
        long[] a = e.arguments();
        return switch (e.kind()) {
            case "syscall" -> String.format("%s  syscall %-3d %-24s %-22s ebx %08x ecx %08x edx %08x", when, e.number(),
                    handlers.getOrDefault(e.number(), ""), who, a[0], a[1], a[2]);
            case "cr3" -> String.format("%s  cr3     %08x -> %08x  %s", when, e.number(), e.cr3(), who);
            default -> String.format("%s  break   %-28s %-22s ebx %08x ecx %08x edx %08x", when,
                    os == null ? String.format("%08x", e.eip()) : os.describe(e.eip()), who, a[0], a[1], a[2]);
        };
    }

    /** System call number -> where its table entry leads now ("0x00101e70 sys_procs"). */
    private Map<Long, String> handlers(Context context, OsProfile os) {
        VmiResult.Bytes table = (VmiResult.Bytes) ask(context, vm, new VmiRequest.Read(os.syscallTable(), os.syscallCount() * 4));
        ByteBuffer bytes = ByteBuffer.wrap(table.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        Map<Long, String> names = new HashMap<>();
        for (int i = 0; i < os.syscallCount(); i++) {
            long entry = Integer.toUnsignedLong(bytes.getInt(i * 4));
            if (entry != 0) {
                names.put((long) i, os.describe(entry).replaceFirst("^0x[0-9a-f]{8} ", ""));
            }
        }
        return names;
    }
}
