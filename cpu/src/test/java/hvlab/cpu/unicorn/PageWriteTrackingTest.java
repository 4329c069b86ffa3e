package hvlab.cpu.unicorn;

import hvlab.cpu.GuestMemory;
import hvlab.cpu.Protection;
import hvlab.cpu.Register;
import hvlab.cpu.linux.WriteProtectWatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.BitSet;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A real guest stores to known pages; both the native store hook and the kernel's write protection must find exactly those. */
class PageWriteTrackingTest {
    static final long CODE = 0x1000;
    static final int PAGE = 4096;
    final GuestMemory ram = new GuestMemory(64 * PAGE);
    final BareCpu cpu = new BareCpu();

    /** Assembled from (NASM, bits 32, org 0x1000): */
    static final int[] GUEST = {
        0xC7, 0x05, 0x00, 0x50, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, // mov dword [0x5000], 1            page 5
        0xC7, 0x05, 0xFE, 0x9F, 0x00, 0x00, 0x44, 0x33, 0x22, 0x11, // mov dword [0x9FFE], 0x11223344   pages 9 and 10
        0xBF, 0x00, 0x00, 0x02, 0x00,                               // mov edi, 0x20000
        0xB9, 0x00, 0x08, 0x00, 0x00,                               // mov ecx, 0x800
        0x31, 0xC0, 0x48, 0xFC,                                     // xor eax, eax ; dec eax ; cld
        0xF3, 0xAB,                                                 // rep stosd                        pages 32 and 33
        0x50,                                                       // push eax                         page 63
        0xA2, 0xFF, 0x0F, 0x03, 0x00,                               // mov [0x30FFF], al                page 48
        0xF0, 0x0F, 0xC1, 0x05, 0x00, 0x80, 0x03, 0x00,             // lock xadd [0x38000], eax         page 56
        0xF4                                                        // hlt
    };
    static final int[] WRITTEN = {5, 9, 10, 32, 33, 48, 56, 63};

    PageWriteTrackingTest() {
        byte[] bytes = new byte[GUEST.length];
        for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) GUEST[i];
        ram.write(CODE, bytes);
        cpu.map(0, ram, Protection.ALL);
        cpu.write(Register.ESP, (int) ram.size());
    }

    @AfterEach
    void close() {
        cpu.close();
        ram.close();
    }

    static BitSet expected() {
        BitSet set = new BitSet();
        for (int page : WRITTEN) set.set(page);
        return set;
    }

    void runGuest() {
        assertEquals(BareCpu.Run.Ending.HALTED, cpu.runUntilHalt(CODE, Duration.ofSeconds(5)).ending());
    }

    @Test
    void theStoreHookMarksEveryPageTheGuestWrote() {
        PageWriteHook hook = cpu.hookPageWrites(ram.size());
        runGuest();
        assertEquals(expected(), hook.takeWritten());
        assertEquals(new BitSet(), hook.takeWritten(), "taking clears the map");
    }

    @Test
    void writeProtectionSeesEveryPageTheGuestWrote() {
        assumeTrue(WriteProtectWatch.unavailable() == null, WriteProtectWatch.unavailable());
        try (WriteProtectWatch watch = WriteProtectWatch.of(ram.segment())) {
            watch.protectAll();
            runGuest();
            assertEquals(expected(), watch.takeWritten());
            assertEquals(0xFFFFFFFF, ram.read32(0x21000 - 4), "the guest's stores reached the watched memory");
        }
    }

    @Test
    void theStubIsTheCodeItsCommentShows() {
        assertEquals(38, PageWriteHook.machineCode().length);
    }
}
