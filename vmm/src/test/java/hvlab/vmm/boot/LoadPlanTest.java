package hvlab.vmm.boot;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/**
 * How images are laid into RAM: the real C guest as the build made it, flat images, the a.out
 * kludge, and every way a hostile or broken file can be wrong, each refused with its reason.
 */
class LoadPlanTest {
    private static final long RAM = 16L << 20;

    static byte[] builtElf() throws Exception {
        try (InputStream in = LoadPlanTest.class.getResourceAsStream("/guests/multiboot-info.elf")) {
            assertNotNull(in, "the guests build makes multiboot-info.elf");
            return in.readAllBytes();
        }
    }

    @Test
    void theCGuestIsAnElfMultibootKernelEnteredInsideItsCode() throws Exception {
        LoadPlan plan = LoadPlan.of(builtElf(), RAM);
        assertEquals("ELF, Multiboot", plan.format());
        assertTrue(plan.multiboot());
        ElfImage.Segment first = plan.segments().getFirst();
        assertEquals(0x100000, first.address(), "linked at 1 MiB by guest.ld");
        assertTrue(first.memorySize() > first.fileBytes().length, "the stack is bss: in memory, not in the file");
        assertTrue(plan.entry() > first.address() && plan.entry() < first.address() + first.fileBytes().length);
    }

    @Test
    void aFlatImageWithoutHeaderKeepsHvlabsOwnAbi() throws Exception {
        byte[] flat = {(byte) 0xF4, (byte) 0xEB, (byte) 0xFD};
        LoadPlan plan = LoadPlan.of(flat, RAM);
        assertEquals("flat", plan.format());
        assertFalse(plan.multiboot());
        assertEquals(BootLayout.GUEST_LOAD_ADDRESS, plan.entry());
    }

    @Test
    void theAoutKludgePlacesAFlatImageWhereItsHeaderSays() throws Exception {
        // The header at offset 16 of a 64-byte image that wants to be loaded at 2 MiB, with 4 KiB of bss, entered at +48.
        ByteBuffer image = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        int flags = 1 << 16;
        image.putInt(16, MultibootHeader.MAGIC).putInt(20, flags).putInt(24, -(MultibootHeader.MAGIC + flags));
        image.putInt(28, 0x200010).putInt(32, 0x200000).putInt(36, 0x200040).putInt(40, 0x201040).putInt(44, 0x200030);
        LoadPlan plan = LoadPlan.of(image.array(), RAM);
        assertEquals("flat, Multiboot", plan.format());
        assertEquals(0x200000, plan.segments().getFirst().address());
        assertEquals(64, plan.segments().getFirst().fileBytes().length);
        assertEquals(0x1040, plan.segments().getFirst().memorySize());
        assertEquals(0x200030, plan.entry());
    }

    @Test
    void aMagicNumberWithoutItsChecksumIsNoHeader() throws Exception {
        ByteBuffer image = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        image.putInt(0, MultibootHeader.MAGIC).putInt(4, 1 << 16).putInt(8, 12345);
        assertEquals("flat", LoadPlan.of(image.array(), RAM).format());
    }

    @Test
    void aKernelAskingForAVideoModeIsRefused() {
        ByteBuffer image = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        int flags = 1 << 2;
        image.putInt(0, MultibootHeader.MAGIC).putInt(4, flags).putInt(8, -(MultibootHeader.MAGIC + flags));
        assertRefused(image.array(), "video mode");
    }

    @Test
    void brokenElfFilesAreRefusedEachWithItsReason() throws Exception {
        byte[] good = builtElf();
        assertRefused(Arrays.copyOf(good, 40), "cut short");
        assertRefused(edit(good, b -> b.put(4, (byte) 2)), "64-bit");
        assertRefused(edit(good, b -> b.put(5, (byte) 2)), "big-endian");
        assertRefused(edit(good, b -> b.putShort(18, (short) 62)), "not for x86");
        assertRefused(edit(good, b -> b.putShort(16, (short) 1)), "not an executable");
        assertRefused(edit(good, b -> b.putShort(44, (short) 0)), "no program headers");
        assertRefused(edit(good, b -> b.putShort(44, (short) 5000)), "program headers");
        assertRefused(edit(good, b -> b.putInt(28, 0x7FFFFFF0)), "past the end of the file");
        int ph = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).getInt(28);
        assertRefused(edit(good, b -> b.putInt(ph + 4, 0x7FFF0000)), "past the end of the file");
        assertRefused(edit(good, b -> b.putInt(ph + 20, 1)), "smaller in memory");
        assertRefused(edit(good, b -> b.putInt(ph + 12, 0x1000)), "below 1 MiB");
        assertRefused(edit(good, b -> b.putInt(ph + 12, 0x00FFF000)), "does not fit");
        assertRefused(edit(good, b -> b.putInt(ph + 12, 0xFFFFF000)), "past 4 GiB");
        assertRefused(edit(good, b -> b.putInt(24, 0x300000)), "entry point");
    }

    @Test
    void randomDamageToAnElfFileNeverEscapesAsAnythingButARefusal() throws Exception {
        byte[] good = builtElf();
        Random random = new Random(7);
        for (int round = 0; round < 5000; round++) {
            byte[] bad = good.clone();
            for (int hits = 1 + random.nextInt(8); hits > 0; hits--) {
                bad[random.nextInt(Math.min(bad.length, 256))] = (byte) random.nextInt(256);
            }
            try {
                LoadPlan plan = LoadPlan.of(bad, RAM);
                assertTrue(plan.end() <= RAM);
            } catch (BadImageException refused) {
                assertFalse(refused.getMessage().isBlank());
            }
        }
    }

    private static byte[] edit(byte[] file, Consumer<ByteBuffer> change) {
        byte[] copy = file.clone();
        change.accept(ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN));
        return copy;
    }

    private static void assertRefused(byte[] image, String reason) {
        BadImageException e = assertThrows(BadImageException.class, () -> LoadPlan.of(image, RAM));
        assertTrue(e.getMessage().contains(reason), "wanted '" + reason + "' in: " + e.getMessage());
    }
}
