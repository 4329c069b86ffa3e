package hvlab.vmm.network;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A capture file as libpcap lays it out, and as tcpdump reads it. */
class PcapWriterTest {
    @TempDir
    Path dir;

    Path capture() throws Exception {
        Path file = dir.resolve("two.pcap");
        try (OutputStream out = Files.newOutputStream(file); PcapWriter pcap = new PcapWriter(out)) {
            pcap.write(EthernetFrame.parse(VirtualSwitchTest.frame(VirtualSwitchTest.B, VirtualSwitchTest.A, 60)), 1_700_000_000_123_456L);
            pcap.write(EthernetFrame.parse(VirtualSwitchTest.frame(MacAddress.BROADCAST, VirtualSwitchTest.B, 42)), 1_700_000_001_000_000L);
        }
        return file;
    }

    @Test
    void theLayoutIsLibpcaps() throws Exception {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(capture())).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(24 + 16 + 60 + 16 + 42, in.capacity());
        assertEquals(PcapWriter.MAGIC, in.getInt(0));
        assertEquals(2, in.getShort(4));
        assertEquals(4, in.getShort(6));
        assertEquals(PcapWriter.LINKTYPE_ETHERNET, in.getInt(20));
        assertEquals(1_700_000_000, in.getInt(24));
        assertEquals(123_456, in.getInt(28));
        assertEquals(60, in.getInt(32));
        assertEquals(60, in.getInt(36));
    }

    @Test
    void tcpdumpReadsIt() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/tcpdump")) || Files.isExecutable(Path.of("/usr/sbin/tcpdump")),
                "tcpdump is not installed (.ci/run installs it)");
        String tcpdump = Files.isExecutable(Path.of("/usr/sbin/tcpdump")) ? "/usr/sbin/tcpdump" : "/usr/bin/tcpdump";
        Process p = new ProcessBuilder(tcpdump, "-r", capture().toString(), "-nn", "-e").redirectErrorStream(true).start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("52:54:00:00:00:0a > 52:54:00:00:00:0b"), out);
        assertTrue(out.contains("52:54:00:00:00:0b > ff:ff:ff:ff:ff:ff"), out);
    }
}
