package hvlab.vmm.image.ova;

import hvlab.vmm.host.Host;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmBundle;
import hvlab.vmm.host.VmSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The paper's threat, shown: a password typed into a guest is in its image for anyone to read,
 * and in an encrypted image it is not.
 */
class OvaInspectTest {
    @TempDir
    Path dir;

    @Test
    void whatTheGuestWasTypedIsInThePlainImageAndNotInTheEncryptedOne() throws Exception {
        Path disk = dir.resolve("disk.img");
        byte[] sectors = new byte[64 * 1024];
        byte[] note = "note to self: the vault code is 4711".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(note, 0, sectors, 8192, note.length);
        Files.write(disk, sectors);
        try (Host host = new Host("local", dir.resolve("store"), 1)) {
            host.create(new VmSpec("t", "typist", "4M", disk.toString(), 256, 0, null));
            host.act("t", PowerAction.START, "test");
            ExportedImages.await("the prompt", () -> host.console("t", 0).text().contains("> "));
            // At most 16 bytes at once: that is the UART's receive FIFO, and the rest of a longer
            // line would be lost to an overrun, as on a real 16550.
            host.send("t", "pass hunter2\n".getBytes(StandardCharsets.US_ASCII));
            ExportedImages.await("the echo", () -> host.console("t", 0).text().contains("pass hunter2\n"));
            VmBundle bundle = host.capture("t");
            Path plain = OvaWriter.write(bundle, dir.resolve("t.ova"), null, null, Progress.NONE).file();
            Path sealed = OvaWriter.write(bundle, dir.resolve("t-sealed.ova"), null, "swordfish".toCharArray(), Progress.NONE).file();
            Files.delete(bundle.disk());

            OvaInspector.Inspection open = OvaInspector.inspect(plain, 1000, null);
            assertEquals("the manifest lists every file and every SHA-256 matches", open.integrity());
            assertEquals("none: the image is not signed", open.signature());
            assertEquals(4L << 20, open.descriptor().memoryBytes());
            assertTrue(open.memoryStrings().stream().anyMatch(s -> s.text().contains("pass hunter2")),
                    "memory strings: " + open.memoryStrings());
            PrintableStrings.Found found = open.memoryStrings().stream().filter(s -> s.text().contains("hunter2")).findFirst().orElseThrow();
            assertTrue(found.offset() >= 0x100000 && found.offset() < 4L << 20, "in the guest's memory, above its load address: " + found);
            assertTrue(open.diskStrings().stream().anyMatch(s -> s.text().equals("note to self: the vault code is 4711") && s.offset() == 8192),
                    "disk strings: " + open.diskStrings());
            assertTrue(open.console().contains("> pass hunter2"), "the console the VMM kept: " + open.console());

            OvaInspector.Inspection closed = OvaInspector.inspect(sealed, 1000, null);
            assertTrue(closed.encrypted());
            assertEquals(0, closed.memoryStringsFound() + closed.diskStringsFound());
            assertTrue(closed.console().isEmpty());
            assertEquals(open.descriptor().uuid(), closed.descriptor().uuid(), "the descriptor is readable in both");
            String raw = new String(Files.readAllBytes(sealed), StandardCharsets.ISO_8859_1);
            assertFalse(raw.contains("hunter2") || raw.contains("vault code"), "no plaintext anywhere in the encrypted archive");
            assertTrue(new String(Files.readAllBytes(plain), StandardCharsets.ISO_8859_1).contains("hunter2"));
        }
    }
}
