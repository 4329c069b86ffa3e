package hvlab.vmm.image;

import hvlab.vmm.VmConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

class GuestImagesTest {
    static GuestImageException.Kind rejected(byte[] bytes) {
        var e = assertThrows(GuestImageException.class, () -> GuestImages.check(new GuestImage("x", bytes), "x.bin"));
        return e.kind();
    }

    @Test
    void filesThatAreClearlyNotFlatImagesAreBadInput() {
        assertEquals(GuestImageException.Kind.BAD_INPUT, rejected(new byte[0]));
        assertEquals(GuestImageException.Kind.BAD_INPUT, rejected(new byte[] {0x7F, 'E', 'L', 'F', 1, 1, 1, 0}));
        assertEquals(GuestImageException.Kind.BAD_INPUT, rejected("MZ\u0090\u0000".getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals(GuestImageException.Kind.BAD_INPUT, rejected("mov eax, 1 ; this is assembly source\n".getBytes()));
    }

    @Test
    void machineCodeIsAccepted() throws Exception {
        byte[] code = {(byte) 0xFA, (byte) 0xF4};
        assertArrayEquals(code, GuestImages.check(new GuestImage("x", code), "x.bin").code());
    }

    @Test
    void builtInGuestsAreListedAndUnknownNamesSayWhatExists() throws Exception {
        assertTrue(GuestImages.builtInNames().contains("hello"));
        assertTrue(GuestImages.resolve("hello").code().length > 0);
        var e = assertThrows(GuestImageException.class, () -> GuestImages.resolve("nonesuch"));
        assertEquals(GuestImageException.Kind.UNKNOWN_GUEST, e.kind());
        assertTrue(e.getMessage().contains("hello"));
    }

    @Test
    void memorySizesParse() {
        assertEquals(16L << 20, VmConfig.parseSize("16M"));
        assertEquals(512L << 10, VmConfig.parseSize("512k"));
        assertEquals(1L << 30, VmConfig.parseSize("1GiB"));
        assertEquals(8192, VmConfig.parseSize("8192"));
        assertThrows(IllegalArgumentException.class, () -> VmConfig.parseSize("lots"));
        assertThrows(IllegalArgumentException.class, () -> VmConfig.parseSize("-4M"));
    }

    @org.junit.jupiter.api.Test
    void nasmThatNeverFinishesIsStoppedAtItsTimeLimit() throws Exception {
        java.nio.file.Path source = java.nio.file.Files.createTempFile("slow", ".asm");
        java.nio.file.Files.writeString(source, "bits 32\n%assign i 0\n%rep 1000000\n%rep 1000000\n%assign i i+1\n%endrep\n%endrep\n");
        long started = System.nanoTime();
        var e = org.junit.jupiter.api.Assertions.assertThrows(GuestImageException.class, () -> NasmAssembler.assemble(source, 1));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("did not finish"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertTrue(System.nanoTime() - started < 5_000_000_000L, "stopped near its limit");
    }

}
