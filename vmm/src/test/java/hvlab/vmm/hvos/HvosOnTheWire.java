package hvlab.vmm.hvos;

import hvlab.vmm.ExecutionMode;
import hvlab.vmm.SliceResult;
import hvlab.vmm.Vm;
import hvlab.vmm.VmConfig;
import hvlab.vmm.devices.NetworkCard;
import hvlab.vmm.devices.NicOptions;
import hvlab.vmm.devices.PlatformOptions;
import hvlab.vmm.image.GuestImages;
import hvlab.vmm.network.MacAddress;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.*;

/**
 * hvos booted with a network card whose cable ends in the test: what hvos sends is collected,
 * what the test offers arrives through the card's real rings and IRQ 11. The test is the peer,
 * 10.0.0.1: it answers ARP for its address, ICMP echo requests, and echoes UDP to port 7, so
 * hvos's ping and send have someone to talk to. No timing is asserted: each step waits until the
 * console or the wire shows what it waits for.
 */
final class HvosOnTheWire implements AutoCloseable {
    static final MacAddress MAC = MacAddress.parse("52:54:00:00:00:02");
    static final MacAddress PEER_MAC = MacAddress.parse("52:54:00:00:00:01");
    static final int PEER_IP = PeerFrames.ip("10.0.0.1");

    final Vm vm;
    private final NetworkCard nic;
    private final List<byte[]> sent = new ArrayList<>();
    private int answered;

    HvosOnTheWire(Path dir) throws Exception {
        Path disk = Files.write(dir.resolve("hvos.img"), GuestImages.builtInDisk("hvos"));
        PlatformOptions platform = PlatformOptions.DEFAULT.withDisk(disk)
                .withNic(new NicOptions(MAC, NicOptions.Limits.UNLIMITED, frame -> sent.add(frame.clone())));
        vm = new Vm(VmConfig.of(GuestImages.resolve("hvos")).withMode(ExecutionMode.TRAP)
                .withTimeout(Duration.ofSeconds(120)).withPlatform(platform), b -> { });
        vm.boot();
        nic = vm.platform().nic();
        runUntil(text -> text.endsWith("$ "));
        assertTrue(console().endsWith("$ "), "no shell prompt: " + console());
    }

    String console() {
        return vm.console().text();
    }

    /** Every frame hvos has sent so far. */
    List<byte[]> sent() {
        return List.copyOf(sent);
    }

    /** A frame from the wire: it waits in the card until hvos's next slice. */
    void offer(byte[] frame) {
        nic.offer(frame);
    }

    /** Runs slices (answering as the peer) until the console satisfies done; skips the clock over halts. */
    void runUntil(Predicate<String> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!done.test(console()) && System.nanoTime() < deadline) {
            nic.deliverArrived();
            SliceResult last = vm.runSlice(Duration.ofMillis(5));
            answerAsPeer();
            switch (last) {
                case SliceResult.Ended ended -> fail("hvos ended: " + ended + "\n" + console());
                case SliceResult.Halted halted -> {
                    if (nic.hasArrived() || vm.hasWorkFromOutside()) continue;
                    if (halted.nanosUntilEvent() == SliceResult.NEVER) fail("hvos halted for good:\n" + console());
                    vm.advanceClock(halted.nanosUntilEvent());
                }
                default -> { }
            }
        }
    }

    /** Runs until hvos has sent a frame that satisfies match; returns it. */
    byte[] awaitSent(Predicate<byte[]> match) {
        byte[][] found = new byte[1][];
        runUntil(text -> (found[0] = sent().stream().filter(match).findFirst().orElse(null)) != null);
        assertNotNull(found[0], "hvos sent no such frame; console:\n" + console());
        return found[0];
    }

    /** Types a line at hvos's shell and returns what came back, from its echo up to the next prompt. */
    String command(String line) {
        int from = console().length();
        vm.sendInput((line + "\n").getBytes(StandardCharsets.US_ASCII));
        Predicate<String> done = text -> {
            int echo = text.indexOf(line + "\n", from);
            return echo >= 0 && text.length() > echo + line.length() + 1 && text.endsWith("$ ");
        };
        runUntil(done);
        String after = console();
        assertTrue(done.test(after), "no prompt after '" + line + "': " + after);
        return after.substring(after.indexOf(line + "\n", from));
    }

    /** Starts a program in the background and waits until it prints marker (its output may follow the prompt). */
    void background(String line, String marker) {
        int from = console().length();
        vm.sendInput((line + " &\n").getBytes(StandardCharsets.US_ASCII));
        String job = "] " + line.split(" ")[0] + "\n";    // the shell's "[pid] name", then its next prompt
        runUntil(text -> {
            int at = text.indexOf(job, from);
            return text.indexOf(marker, from) >= 0 && at >= 0 && text.indexOf("$ ", at) >= 0;
        });
        assertTrue(console().indexOf(marker, from) >= 0, "'" + line + "' did not say '" + marker + "': " + console());
    }

    /** The peer's side of the conversation: ARP for 10.0.0.1, echo requests to it, UDP echo on port 7. */
    private void answerAsPeer() {
        for (; answered < sent.size(); answered++) {
            byte[] f = sent.get(answered);
            int type = PeerFrames.u16(f, 12);
            if (type == PeerFrames.ARP && PeerFrames.u16(f, 20) == 1 && PeerFrames.u32(f, 38) == PEER_IP) {
                nic.offer(PeerFrames.ethernet(MAC, PEER_MAC, PeerFrames.ARP,
                        PeerFrames.arp(2, PEER_MAC, PEER_IP, MAC, PeerFrames.u32(f, 28))));
            } else if (type == PeerFrames.IPV4 && PeerFrames.u32(f, 30) == PEER_IP) {
                int from = PeerFrames.u32(f, 26);
                int ihl = (f[14] & 0xF) * 4;
                int total = PeerFrames.u16(f, 16);
                byte[] payload = java.util.Arrays.copyOfRange(f, 14 + ihl, 14 + total);
                if (f[23] == 1 && payload[0] == 8) {
                    byte[] data = java.util.Arrays.copyOfRange(payload, 8, payload.length);
                    byte[] reply = PeerFrames.icmpEcho(0, PeerFrames.u16(payload, 4), PeerFrames.u16(payload, 6), data);
                    nic.offer(PeerFrames.ethernet(MAC, PEER_MAC, PeerFrames.IPV4, PeerFrames.ip(1, PEER_IP, from, reply)));
                } else if (f[23] == 17 && PeerFrames.u16(payload, 2) == 7) {
                    byte[] data = java.util.Arrays.copyOfRange(payload, 8, PeerFrames.u16(payload, 4));
                    byte[] echo = PeerFrames.udp(PEER_IP, from, 7, PeerFrames.u16(payload, 0), data);
                    nic.offer(PeerFrames.ethernet(MAC, PEER_MAC, PeerFrames.IPV4, PeerFrames.ip(17, PEER_IP, from, echo)));
                }
            }
        }
    }

    @Override
    public void close() {
        vm.close();
    }
}
