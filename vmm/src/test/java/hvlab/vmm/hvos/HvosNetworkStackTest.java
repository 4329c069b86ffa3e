package hvlab.vmm.hvos;

import hvlab.vmm.network.MacAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static hvlab.vmm.hvos.HvosOnTheWire.MAC;
import static hvlab.vmm.hvos.HvosOnTheWire.PEER_IP;
import static hvlab.vmm.hvos.HvosOnTheWire.PEER_MAC;
import static hvlab.vmm.hvos.PeerFrames.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * hvos's network stack (kernel/net*.c, arp.c, ip.c, udp.c) under the real CPU, its card's cable
 * ending in the test (HvosOnTheWire): the frames it sends are checked field by field and checksum
 * by checksum, and frames that lie about their lengths are dropped, counted, and survived.
 */
class HvosNetworkStackTest {
    static final int HVOS_IP = ip("10.0.0.2");

    @TempDir
    Path dir;

    private static boolean isIp(byte[] f, int protocol) {
        return u16(f, 12) == IPV4 && (f[23] & 0xFF) == protocol;
    }

    private static byte[] echoRequest(int id, int seq, byte[] data) {
        return ethernet(MAC, PEER_MAC, IPV4, ip(1, PEER_IP, HVOS_IP, icmpEcho(8, id, seq, data)));
    }

    private static byte[] echoReplyTo(HvosOnTheWire os, int id, int seq) {
        return os.awaitSent(f -> isIp(f, 1) && f[34] == 0 && u16(f, 38) == id && u16(f, 40) == seq);
    }

    @Test
    void answersArpAndPingEchoesUdpAndTalksToAPeer() throws Exception {
        try (HvosOnTheWire os = new HvosOnTheWire(dir)) {
            assertTrue(os.console().contains("\nnet: card 52:54:00:00:00:02, address 10.0.0.2\n"), "10.0.0.N from the MAC's last byte: " + os.console());

            os.offer(ethernet(MacAddress.BROADCAST, PEER_MAC, ARP, arp(1, PEER_MAC, PEER_IP, new MacAddress(0), HVOS_IP)));
            byte[] arp = os.awaitSent(f -> u16(f, 12) == ARP && u16(f, 20) == 2);
            assertEquals(PEER_MAC, MacAddress.of(arp, 0), "the answer goes to the asker alone");
            assertEquals(MAC, MacAddress.of(arp, 22));
            assertEquals(HVOS_IP, u32(arp, 28));
            assertEquals(PEER_MAC, MacAddress.of(arp, 32));
            assertEquals(PEER_IP, u32(arp, 38));

            byte[] data = "abcdefghijklmnopqrstuvwxyz0123456789".getBytes(StandardCharsets.US_ASCII);
            os.offer(echoRequest(77, 5, data));
            byte[] reply = echoReplyTo(os, 77, 5);
            assertEquals(PEER_MAC, MacAddress.of(reply, 0));
            assertEquals(0, checksum(reply, 14, 20, 0), "IPv4 header checksum");
            assertEquals(HVOS_IP, u32(reply, 26));
            assertEquals(PEER_IP, u32(reply, 30));
            int icmpLength = u16(reply, 16) - 20;
            assertEquals(8 + data.length, icmpLength);
            assertEquals(0, checksum(reply, 34, icmpLength, 0), "ICMP checksum");
            assertArrayEquals(data, Arrays.copyOfRange(reply, 42, 42 + data.length), "the data comes back unchanged");

            os.background("udpecho", "udpecho: listening on port 7\n");
            byte[] hello = "hello, hvos".getBytes(StandardCharsets.US_ASCII);
            os.offer(ethernet(MAC, PEER_MAC, IPV4, ip(17, PEER_IP, HVOS_IP, udp(PEER_IP, HVOS_IP, 5555, 7, hello))));
            byte[] echo = os.awaitSent(f -> isIp(f, 17) && u16(f, 36) == 5555);
            assertEquals(7, u16(echo, 34));
            int udpLength = u16(echo, 38);
            assertEquals(8 + hello.length, udpLength);
            assertEquals(0, checksum(echo, 34, udpLength, pseudoHeader(HVOS_IP, PEER_IP, udpLength)), "UDP checksum with its pseudo-header");
            assertArrayEquals(hello, Arrays.copyOfRange(echo, 42, 42 + hello.length));
            os.runUntil(text -> text.contains("udpecho: 11 bytes from 10.0.0.1:5555, sent back"));

            String ping = os.command("ping 10.0.0.1 2");
            assertTrue(ping.matches("(?s)ping 10.0.0.1 2\nPING 10.0.0.1: 56 data bytes\n"
                    + "64 bytes from 10.0.0.1: seq=1 time=\\d+\\.\\d{3} ms\n64 bytes from 10.0.0.1: seq=2 time=\\d+\\.\\d{3} ms\n"
                    + "--- 10.0.0.1: 2 sent, 2 received ---\n\\$ "), ping);
            String send = os.command("send 10.0.0.1 7 hello there");
            assertTrue(send.matches("(?s)send 10.0.0.1 7 hello there\nsend: 11 bytes to 10.0.0.1:7 from port 491\\d\\d\n"
                    + "reply from 10.0.0.1:7: hello there\n\\$ "), send);
            assertTrue(os.command("send 10.0.0.1 9 anyone").contains("send: no answer from 10.0.0.1:9 (timed out)\n"), os.console());
            String nobody = os.command("ping 10.0.0.9 1");
            assertTrue(nobody.contains("no reply from 10.0.0.9: seq=1 (no host answers ARP for that address)\n"
                    + "--- 10.0.0.9: 1 sent, 0 received ---\nsh: "), nobody);

            // an answer to a question nobody asked (ARP spoofing's first move) is not believed
            os.offer(ethernet(MAC, PEER_MAC, ARP, arp(2, PEER_MAC, ip("10.0.0.5"), MAC, HVOS_IP)));
            String ifconfig = os.command("ifconfig");
            assertFalse(ifconfig.contains("arp: 10.0.0.5"), ifconfig);
            assertTrue(ifconfig.contains("net0: ether 52:54:00:00:00:02  inet 10.0.0.2\n"), ifconfig);
            assertTrue(ifconfig.contains("  arp: 10.0.0.1 at 52:54:00:00:00:01, "), ifconfig);
            assertTrue(ifconfig.contains(", 0 malformed (dropped), "), ifconfig);
            assertTrue(os.command("ifconfig 10.0.0.77").contains("inet 10.0.0.77\n"), os.console());
            assertTrue(os.command("ifconfig 127.0.0.1").contains("ifconfig: 127.0.0.1: not an address a host may take\n"), os.console());
            assertTrue(os.command("ifconfig 10.0.0.256").contains("usage: ifconfig [IP]"), os.console());
            assertTrue(os.command("ping 10.0.0.1 x").contains("usage: ping IP [COUNT]"), os.console());
        }
    }

    /** Each frame lies in one way; hvos must drop every one of them, count it, and answer the next ping. */
    static Map<String, byte[]> malformed() {
        Map<String, byte[]> frames = new LinkedHashMap<>();
        byte[] icmp = icmpEcho(8, 1, 1, new byte[8]);
        byte[] good = ip(1, PEER_IP, HVOS_IP, icmp);
        frames.put("an IPv4 frame with no header at all", Arrays.copyOf(ethernet(MAC, PEER_MAC, IPV4, new byte[0]), 14));
        frames.put("IP version 6 in an IPv4 frame", header(good, p -> p[0] = 0x65));
        frames.put("a header length of 16 bytes", header(good, p -> p[0] = 0x44));
        frames.put("a header length of 60 bytes in a 46-byte packet", header(good, p -> p[0] = 0x4F));
        frames.put("a total length of 1500 in a 46-byte packet", header(good, p -> { p[2] = 0x05; p[3] = (byte) 0xDC; }));
        frames.put("a total length shorter than the header", header(good, p -> { p[2] = 0; p[3] = 10; }));
        frames.put("a fragment (more fragments)", header(good, p -> p[6] = 0x20));
        byte[] badSum = ethernet(MAC, PEER_MAC, IPV4, good.clone());
        badSum[14 + 10] ^= 0x55;
        frames.put("a wrong header checksum", badSum);
        frames.put("an ICMP message of 4 bytes", header(good, p -> { p[2] = 0; p[3] = 24; }));
        byte[] icmpSum = ethernet(MAC, PEER_MAC, IPV4, good.clone());
        icmpSum[14 + 20 + 9] ^= 1;
        frames.put("a wrong ICMP checksum", icmpSum);
        byte[] datagram = ip(17, PEER_IP, HVOS_IP, udp(PEER_IP, HVOS_IP, 1, 7, new byte[4]));
        frames.put("a UDP length of 4000", ethernet(MAC, PEER_MAC, IPV4, patch(datagram, 24, 4000)));
        frames.put("a UDP length of 3", ethernet(MAC, PEER_MAC, IPV4, patch(datagram, 24, 3)));
        frames.put("a wrong UDP checksum", ethernet(MAC, PEER_MAC, IPV4, patch(datagram, 26, u16(datagram, 26) ^ 0x0101)));
        byte[] arp = arp(1, PEER_MAC, PEER_IP, new MacAddress(0), HVOS_IP);
        byte[] longAddresses = arp.clone();
        longAddresses[4] = (byte) 200;
        frames.put("ARP with 200-byte hardware addresses", ethernet(MacAddress.BROADCAST, PEER_MAC, ARP, longAddresses));
        frames.put("ARP cut short", Arrays.copyOf(ethernet(MacAddress.BROADCAST, PEER_MAC, ARP, arp), 14 + 10));
        frames.put("ARP from a group address", ethernet(MacAddress.BROADCAST, PEER_MAC, ARP,
                arp(1, MacAddress.BROADCAST, PEER_IP, new MacAddress(0), HVOS_IP)));
        return frames;
    }

    /** The packet with its IP header changed and its header checksum made right again, in a frame. */
    private static byte[] header(byte[] packet, java.util.function.Consumer<byte[]> change) {
        byte[] p = packet.clone();
        change.accept(p);
        p[10] = 0;
        p[11] = 0;
        int ihl = Math.min(Math.max((p[0] & 0xF) * 4, 20), p.length);
        int sum = checksum(p, 0, Math.min(ihl, 20), 0);
        p[10] = (byte) (sum >> 8);
        p[11] = (byte) sum;
        return ethernet(MAC, PEER_MAC, IPV4, p);
    }

    private static byte[] patch(byte[] packet, int at, int value) {
        byte[] p = packet.clone();
        p[at] = (byte) (value >> 8);
        p[at + 1] = (byte) value;
        return p;
    }

    @Test
    void framesThatLieAboutThemselvesAreDroppedAndCounted() throws Exception {
        try (HvosOnTheWire os = new HvosOnTheWire(dir)) {
            os.background("udpecho", "udpecho: listening on port 7\n");
            Map<String, byte[]> frames = malformed();
            frames.values().forEach(os::offer);
            os.offer(echoRequest(9, 1, new byte[16]));
            echoReplyTo(os, 9, 1);
            // an answer to a question nobody asked (ARP spoofing's first move) is not believed
            os.offer(ethernet(MAC, PEER_MAC, ARP, arp(2, PEER_MAC, ip("10.0.0.5"), MAC, HVOS_IP)));
            String ifconfig = os.command("ifconfig");
            assertFalse(ifconfig.contains("arp: 10.0.0.5"), ifconfig);
            assertTrue(ifconfig.contains(", " + frames.size() + " malformed (dropped), "),
                    "each of " + frames.keySet() + " is dropped and counted once:\n" + ifconfig);
            assertFalse(os.console().contains("udpecho: "  + "4 bytes"), "no lying datagram reached the program");
        }
    }

    @Test
    void fiveHundredMutatedFramesLeaveTheKernelRunning() throws Exception {
        try (HvosOnTheWire os = new HvosOnTheWire(dir)) {
            os.background("udpecho", "udpecho: listening on port 7\n");
            byte[][] seeds = {
                    echoRequest(3, 3, new byte[40]),
                    ethernet(MAC, PEER_MAC, IPV4, ip(17, PEER_IP, HVOS_IP, udp(PEER_IP, HVOS_IP, 4, 7, new byte[30]))),
                    ethernet(MacAddress.BROADCAST, PEER_MAC, ARP, arp(1, PEER_MAC, PEER_IP, new MacAddress(0), HVOS_IP)),
            };
            Random random = new Random(20261130);
            for (int batch = 0; batch < 5; batch++) {
                for (int i = 0; i < 100; i++) {
                    byte[] f = seeds[random.nextInt(seeds.length)].clone();
                    for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                        f[14 + random.nextInt(Math.min(f.length - 14, 40))] = (byte) random.nextInt(256);
                    }
                    if (random.nextBoolean()) f = Arrays.copyOf(f, 14 + random.nextInt(f.length - 13));
                    os.offer(f);
                }
                os.offer(echoRequest(100, batch, new byte[8]));
                echoReplyTo(os, 100, batch);       // alive, and every frame before it was taken
            }
            assertEquals("echo alive\nalive\n$ ", os.command("echo alive"));
            assertFalse(os.console().contains("panic"), os.console());
            assertFalse(os.console().contains("the card stopped"), os.console());
        }
    }
}
