package hvlab.vmm.host;

import hvlab.vmm.Vm;
import hvlab.vmm.VmConfig;
import hvlab.vmm.replay.JournalFormatException;
import hvlab.vmm.replay.JournalReader;
import hvlab.vmm.replay.JournalWriter;
import hvlab.vmm.replay.Recording;
import hvlab.vmm.replay.RecordingHeader;
import hvlab.vmm.replay.ReplayOutcome;
import hvlab.vmm.replay.Replayer;
import hvlab.vmm.state.VmState;
import hvlab.vmm.vmi.GuestProcess;
import hvlab.vmm.vmi.Introspection;
import hvlab.vmm.vmi.OsProfile;
import hvlab.vmm.vmi.ProcessTable;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The host's side of record and replay. A recording lives in the VM's store folder, outside
 * every VM ({@link ReplayControl#FILE}); it is written on the VM's own thread as the guest runs
 * and closed with a fingerprint of the machine when the recording ends. A replay builds a
 * machine of its own from the VM's definition: the recorded VM, if it runs, is never touched.
 */
final class HostRecordings implements ReplayControl {
    private final Host host;

    HostRecordings(Host host) {
        this.host = host;
    }

    @Override
    public RecordingInfo startRecorded(String vm, String actor) {
        host.lock().lock();
        try {
            ManagedVm m = host.find(vm);
            Path file = host.store().folder(vm).resolve(FILE);
            host.lifecycle().startRecorded(m, actor, machine -> {
                try {
                    RecordingHeader header = RecordingHeader.of(machine.config(), true);
                    JournalWriter writer = new JournalWriter(Files.newOutputStream(file), header);
                    try {
                        machine.record(writer);
                    } catch (IllegalArgumentException refused) {
                        writer.close();
                        Files.deleteIfExists(file);
                        throw new HostException("cannot record '" + vm + "': " + refused.getMessage());
                    }
                    m.recording = writer;
                } catch (IOException e) {
                    throw new HostException("cannot record '" + vm + "': " + VmStore.reason(e));
                }
            });
            host.record(vm, "recording-started", Map.of("file", FILE, "actor", actor));
            return infoOf(m);
        } finally {
            host.lock().unlock();
        }
    }

    @Override
    public RecordingInfo recording(String vm) {
        host.lock().lock();
        try {
            return infoOf(host.find(vm));
        } finally {
            host.lock().unlock();
        }
    }

    @Override
    public RecordingInfo stopRecording(String vm, String actor) {
        host.lock().lock();
        try {
            ManagedVm m = host.find(vm);
            if (m.recording == null || m.recording.ended()) {
                throw new HostException("'" + vm + "' is not recording (start it with 'vm start " + vm + " --record')");
            }
            host.scheduler().setWants(m.name, false, System.nanoTime());
            try {
                host.awaitOffCpuStillThere(m, "end its recording");
                finish(m, "stopped by " + actor);
            } finally {
                host.wake(m);
            }
            return infoOf(m);
        } finally {
            host.lock().unlock();
        }
    }

    /** Ends the machine's recording, if it has one, with its end record; the VM must be off the CPU. Host lock held. */
    void finish(ManagedVm m, String why) {
        JournalWriter writer = m.recording;
        if (writer == null) {
            return;
        }
        m.recording = null;
        m.vm.stopRecording(why);
        try {
            writer.close();
        } catch (IOException e) {
            // reported below through the writer's failure, or noticed at replay as a torn file
        }
        host.record(m.name, "recording-ended", Map.of("why", why, "events", writer.events(),
                "problem", writer.failure() == null ? "" : writer.failure()));
    }

    @Override
    public ReplayReport replay(String vm, long untilNanos, OsProfile profile, String actor) {
        VmConfig config;
        Path file;
        host.lock().lock();
        try {
            ManagedVm m = host.find(vm);
            if (m.recording != null && !m.recording.ended()) {
                throw new HostException("'" + vm + "' is still recording: end it first ('vm record-stop " + vm + "', or power the VM off)");
            }
            file = host.store().folder(vm).resolve(FILE);
            config = host.lifecycle().plainConfig(m);
        } finally {
            host.lock().unlock();
        }
        Recording recording = read(vm, file);
        config = recording.header().applyTo(config);
        RecordingHeader now;
        try {
            now = RecordingHeader.of(config, recording.header().reinjectLostTicks());
        } catch (IOException e) {
            throw new HostException("cannot replay '" + vm + "': " + VmStore.reason(e));
        }
        String mismatch = recording.header().mismatch(now);
        if (mismatch != null) {
            throw new HostException("cannot replay '" + vm + "': " + mismatch);
        }
        long started = System.nanoTime();
        try (Vm machine = new Vm(config, b -> { })) {
            machine.setReinjectLostTicks(recording.header().reinjectLostTicks());
            machine.boot();
            long recorded = recording.guestNanos();
            java.time.Duration limit = java.time.Duration.ofSeconds(Math.max(60, 20 * (recorded / 1_000_000_000L)));
            ReplayOutcome outcome = Replayer.replay(machine, recording, untilNanos, limit, n -> { });
            long millis = (System.nanoTime() - started) / 1_000_000;
            List<GuestProcess> processes = profile == null ? List.of() : processes(machine, profile);
            String memory = machine.fingerprint().memorySha256();
            ReplayReport report = switch (outcome) {
                case ReplayOutcome.Same s -> new ReplayReport(vm, "same", s.events(), recording.events().size(), s.end().toString(),
                        s.virtualNanos(), "the same registers, memory and serial output as the recording", memory, millis,
                        machine.console().text(), processes);
                case ReplayOutcome.Stopped s -> new ReplayReport(vm, "stopped", s.events(), recording.events().size(),
                        s.at().toString(), s.virtualNanos(), s.why(), memory, millis, machine.console().text(), processes);
                case ReplayOutcome.Diverged d -> new ReplayReport(vm, "diverged", d.event() - 1, recording.events().size(),
                        d.found().toString(), machine.virtualNanos(), "event " + d.event() + " was due at " + d.expected()
                        + ": " + d.what(), memory, millis, machine.console().text(), processes);
            };
            host.record(vm, "replayed", Map.of("verdict", report.verdict(), "events", report.events(), "actor", actor));
            return report;
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new HostException("cannot replay '" + vm + "': " + e.getMessage());
        }
    }

    private static List<GuestProcess> processes(Vm machine, OsProfile profile) {
        try {
            VmState state = machine.save();
            return ProcessTable.read(new Introspection(machine.ram(), state.cpu(), state.vcpu()), profile);
        } catch (RuntimeException unreadable) {
            return List.of(); // before the kernel set up its table there is nothing to list
        }
    }

    private static Recording read(String vm, Path file) {
        if (!Files.exists(file)) {
            throw new HostException("'" + vm + "' has no recording (start it with 'vm start " + vm + " --record')");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return JournalReader.read(in);
        } catch (JournalFormatException e) {
            throw new HostException("the recording of '" + vm + "' is damaged: " + e.getMessage());
        } catch (IOException e) {
            throw new HostException("cannot read the recording of '" + vm + "': " + VmStore.reason(e));
        }
    }

    private RecordingInfo infoOf(ManagedVm m) {
        JournalWriter writer = m.recording;
        if (writer != null && !writer.ended()) {
            return new RecordingInfo(m.name, true, false, writer.events(), writer.bytesWritten(),
                    m.vm == null ? 0 : m.vm.virtualNanos(), writer.failure());
        }
        Path file = host.store().folder(m.name).resolve(FILE);
        if (!Files.exists(file)) {
            return new RecordingInfo(m.name, false, false, 0, 0, 0, "no recording");
        }
        try (InputStream in = Files.newInputStream(file)) {
            Recording r = JournalReader.read(in);
            return new RecordingInfo(m.name, false, r.complete(), r.events().size(), Files.size(file), r.guestNanos(), r.problem());
        } catch (JournalFormatException e) {
            return new RecordingInfo(m.name, false, false, 0, 0, 0, "damaged: " + e.getMessage());
        } catch (IOException e) {
            return new RecordingInfo(m.name, false, false, 0, 0, 0, VmStore.reason(e));
        }
    }
}
