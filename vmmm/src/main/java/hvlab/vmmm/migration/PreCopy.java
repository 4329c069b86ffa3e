package hvlab.vmmm.migration;

import hvlab.vmm.host.Host;
import hvlab.vmm.host.HostException;
import hvlab.vmm.host.DiskCopy;
import hvlab.vmm.host.LiveExport;
import hvlab.vmm.snapshot.PageSet;
import hvlab.vmm.tpm.VtpmTransfer;
import hvlab.vmmm.protocol.Codec;
import hvlab.vmmm.protocol.Frames;
import hvlab.vmmm.protocol.Message;
import hvlab.vmmm.protocol.Message.*;
import hvlab.vmmm.protocol.MigrationLimits;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The source side of a live migration by pre-copy (Clark et al., NSDI 2005):
 * <ol>
 *   <li>round 0 sends all of RAM while the VM runs on;</li>
 *   <li>each later round sends the pages the guest wrote during the round before (the dirty-page
 *       tracker finds them), fewer each time if the guest's writable working set is small;</li>
 *   <li>when a round is small enough, or the rounds or the time are used up, or the guest dirties
 *       pages faster than the link can send them, the VM is paused, the last pages and the machine
 *       state go, and the target resumes it. Only this stop-and-copy part is downtime.</li>
 * </ol>
 * Until the target has confirmed that the VM runs there, the VM here is the real one: any failure
 * before the commit resumes it here (nothing lost); a failure after the commit was sent leaves it
 * paused here, so that it never runs twice (paper IV.E.1), and says so.
 */
public final class PreCopy {
    private final Host host;
    private final Frames link;
    private final MigrationLimits limits;
    private final Consumer<Progress> progress;
    private final List<Progress> rounds = new ArrayList<>();
    private long pagesSent;
    private long bytesSent;

    public PreCopy(Host host, Frames link, MigrationLimits limits, Consumer<Progress> progress) {
        this.host = host;
        this.link = link;
        this.limits = limits;
        this.progress = progress;
    }

    /** Migrates {@code vm} to the host at the other end of the link, named {@code target}. */
    public MigrationReport run(String vm, String target, boolean secure) {
        Placement placement = Placement.read(host.store().folder(vm), host.name());
        String refused = placement.refusal(vm, target);
        if (refused != null) {
            throw new MigrationException(refused); // before a byte of the VM is sent
        }
        LiveExport export;
        try {
            export = host.exportLive(vm, true);
        } catch (HostException e) {
            throw new MigrationException(e.getMessage());
        }
        long started = System.nanoTime();
        long pausedAt = 0;
        boolean committed = false;
        try {
            link.send(new Offer(host.name(), Json.MAPPER.writeValueAsBytes(export.definition()), export.image(), placement.locations(),
                    placement.allowedHosts(), export.history()));
            DiskCopy disk = export.disk();
            List<DiskCopy.Chunk> wholeDisk = disk == null ? List.of() : disk.all(); // while the VM runs
            if (disk != null) {
                link.send(new DiskOffer(disk.size()));
            }
            expect(link.receive(), Accept.class, target);
            VtpmTransfer.ImportKey vtpmKey = importKey(expect(link.receive(), VtpmKey.class, target), target);
            sendDisk(wholeDisk);
            int round = 0;
            if (!limits.stopAndCopy()) {
                double linkRate = limits.linkBytesPerSecond();
                long roundStart = System.nanoTime();
                PageSet pages = export.firstRound();
                while (true) {
                    send(round, pages);
                    long roundNanos = Math.max(1, System.nanoTime() - roundStart);
                    if (round == 0 && linkRate == 0) {
                        linkRate = pages.size() * (double) Codec.PAGE / (roundNanos / 1e9); // measured on round 0
                    }
                    roundStart = System.nanoTime();
                    PageSet dirty = round < limits.maxRounds() ? export.nextRound() : null;
                    double dirtyRate = dirty == null ? 0 : dirty.size() / (roundNanos / 1e9);
                    long estimate = dirty == null ? 0 : (long) (dirty.size() * (double) Codec.PAGE / Math.max(1, linkRate) * 1e6);
                    report(new Progress("pre-copy", round, pages.size(), (long) pages.size() * Codec.PAGE, roundNanos / 1000, dirtyRate, estimate));
                    StopRule.Reason stop = StopRule.decide(limits, round, dirty == null ? -1 : dirty.size(),
                            (System.nanoTime() - started) / 1_000_000, dirtyRate, linkRate);
                    round++;
                    if (dirty == null) break;
                    pages = dirty;
                    if (stop != StopRule.Reason.GO_ON) {
                        send(round, pages); // the last round while it runs: small by now, or no better to come
                        round++;
                        break;
                    }
                }
            }
            pausedAt = System.nanoTime();
            LiveExport.Final last = export.stop("migration");
            send(round, last.pages());
            if (disk != null) {
                sendDisk(disk.changed()); // what the guest wrote to its disk since: with the VM stopped, the rest
            }
            byte[] vtpm = export.sealVtpm(vtpmKey, target); // the same instant as the machine state
            if (vtpm != null) {
                link.send(new VtpmState(vtpm));
            }
            link.send(new Finish(last.machine(), last.history()));
            expect(link.receive(), Ready.class, target);
            committed = true;
            link.send(new Commit());
            expect(link.receive(), Running.class, target);
            long ended = System.nanoTime();
            report(new Progress("stop-and-copy", round, last.pages().size(), (long) last.pages().size() * Codec.PAGE,
                    (ended - pausedAt) / 1000, 0, (ended - pausedAt) / 1000));
            export.commit(target, "migration");
            return new MigrationReport(vm, host.name(), target, rounds, pagesSent, bytesSent, (ended - pausedAt) / 1000,
                    (ended - started) / 1000, secure, vtpm == null ? null : vtpmKey.chain().get(1).subject());
        } catch (IOException | RuntimeException e) { // a bug of ours too: the VM must not stay held
            String why = reason(e);
            if (committed) {
                export.leavePaused(why, "migration");
                throw new MigrationException("migration of '" + vm + "' to " + target + " may or may not have finished (" + why
                        + "): '" + vm + "' stays paused on " + host.name() + " so that it never runs twice; look on " + target);
            }
            try {
                link.send(new Failure(why));
            } catch (IOException | RuntimeException ignored) {
                // the link may be what failed
            }
            export.abort(why, "migration");
            throw new MigrationException("migration of '" + vm + "' to " + target + " failed: " + why + "; '" + vm
                    + "' runs on on " + host.name());
        }
    }

    private void send(int round, PageSet pages) throws IOException {
        List<Integer> numbers = pages.pageNumbers();
        for (int from = 0; from < numbers.size(); from += Codec.MAX_PAGES_PER_MESSAGE) {
            int count = Math.min(Codec.MAX_PAGES_PER_MESSAGE, numbers.size() - from);
            int[] batch = new int[count];
            byte[] data = new byte[count * Codec.PAGE];
            for (int i = 0; i < count; i++) {
                batch[i] = numbers.get(from + i);
                System.arraycopy(pages.page(batch[i]), 0, data, i * Codec.PAGE, Codec.PAGE);
            }
            link.send(new Pages(round, batch, data));
            pagesSent += count;
            bytesSent += data.length;
        }
    }

    /**
     * The target TPM's key for the vTPM, checked before the first page goes: certified by the
     * attestation key of the TPM of the host named {@code target}, or the migration stops here.
     */
    private static VtpmTransfer.ImportKey importKey(VtpmKey message, String target) {
        VtpmTransfer.ImportKey key;
        try {
            key = Json.MAPPER.readValue(message.importKeyJson(), VtpmTransfer.ImportKey.class);
        } catch (IOException e) {
            throw new MigrationException("the target's vTPM import key is not valid JSON");
        }
        try {
            VtpmTransfer.check(key, target);
        } catch (IllegalArgumentException e) {
            throw new MigrationException(e.getMessage());
        }
        return key;
    }

    private void sendDisk(List<DiskCopy.Chunk> chunks) throws IOException {
        for (DiskCopy.Chunk c : chunks) {
            link.send(new DiskChunk(c.offset(), c.data()));
            bytesSent += c.data().length;
        }
    }

    private void report(Progress p) {
        rounds.add(p);
        try {
            progress.accept(p);
        } catch (RuntimeException ignored) {
            // a listener's failure is its own
        }
    }

    static <T extends Message> T expect(Message message, Class<T> wanted, String peer) throws IOException {
        if (message instanceof Failure f) {
            throw new MigrationException(peer + " refused: " + f.reason());
        }
        if (!wanted.isInstance(message)) {
            throw new hvlab.vmmm.protocol.ProtocolException(peer + " sent " + message.getClass().getSimpleName()
                    + " where " + wanted.getSimpleName() + " belongs");
        }
        return wanted.cast(message);
    }

    static String reason(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return e instanceof java.net.SocketException || e instanceof java.io.EOFException ? "the connection broke: " + message : message;
    }
}
