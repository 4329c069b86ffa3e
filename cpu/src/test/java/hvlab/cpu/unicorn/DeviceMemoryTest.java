package hvlab.cpu.unicorn;

import hvlab.cpu.GuestMemory;
import hvlab.cpu.MemoryAccess;
import hvlab.cpu.Protection;
import hvlab.cpu.Register;
import hvlab.cpu.RunResult;
import hvlab.cpu.Trap;
import hvlab.cpu.TrapOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Device memory on bare Unicorn ({@code uc_mmio_map}): which accesses reach the trap handler,
 * with which addresses and sizes, and what the emulator does by itself with the odd ones.
 */
class DeviceMemoryTest {
    static final long CODE = 0x1000;
    static final long DEVICE = 0xFEE00000L;
    final GuestMemory memory = new GuestMemory(0x10000);
    final UnicornBackend cpu = new UnicornBackend();
    final List<Trap> traps = new ArrayList<>();

    DeviceMemoryTest() {
        cpu.map(0, memory, Protection.ALL);
        cpu.mapDevice(DEVICE, 0x1000);
        cpu.setTrapHandler(trap -> {
            traps.add(trap);
            return switch (trap) {
                case Trap.MmioRead load -> TrapOutcome.value(0x11223344);
                case Trap.PortOut out -> TrapOutcome.STOP;
                case Trap.MemoryFault fault -> TrapOutcome.STOP;
                default -> TrapOutcome.CONTINUE;
            };
        });
    }

    @AfterEach
    void close() {
        cpu.close();
        memory.close();
    }

    private RunResult run(int... code) {
        byte[] bytes = new byte[code.length];
        for (int i = 0; i < code.length; i++) bytes[i] = (byte) code[i];
        memory.write(CODE, bytes);
        memory.write(CODE + bytes.length, new byte[] {(byte) 0xEB, (byte) 0xFE}); // jmp $: the block ends, the stop lands
        cpu.invalidateTranslations(CODE, bytes.length + 2); // a test that runs twice writes new code over the old
        return cpu.run(CODE, Duration.ofSeconds(5));
    }

    @Test
    void loadsAndStoresReachTheHandlerWithAddressSizeAndValue() {
        // mov eax, [0xFEE00020] ; mov [0xFEE000B0], eax ; mov word [0xFEE00082], 0x1234 ; out 0xf4, al
        run(0xA1, 0x20, 0x00, 0xE0, 0xFE, 0xA3, 0xB0, 0x00, 0xE0, 0xFE,
                0x66, 0xC7, 0x05, 0x82, 0x00, 0xE0, 0xFE, 0x34, 0x12, 0xE6, 0xF4);
        assertEquals(List.of(new Trap.MmioRead(0xFEE00020L, 4), new Trap.MmioWrite(0xFEE000B0L, 4, 0x11223344),
                new Trap.MmioWrite(0xFEE00082L, 2, 0x1234), new Trap.PortOut(0xF4, 1, 0x44)), traps);
        assertEquals(0x11223344, cpu.read(Register.EAX));
    }

    @Test
    void anEightByteLoadArrivesAsTwoFourByteLoads() {
        // movq mm0, [0xFEE00040] ; out 0xf4, al
        run(0x0F, 0x6F, 0x05, 0x40, 0x00, 0xE0, 0xFE, 0xE6, 0xF4);
        assertEquals(List.of(new Trap.MmioRead(0xFEE00040L, 4), new Trap.MmioRead(0xFEE00044L, 4), new Trap.PortOut(0xF4, 1, 0)),
                traps);
    }

    @Test
    void anUnalignedLoadArrivesAsTheTwoAlignedLoadsAroundIt() {
        // mov eax, [0xFEE00021] ; out 0xf4, al: QEMU reads the words at 0x20 and 0x24 and shifts
        run(0xA1, 0x21, 0x00, 0xE0, 0xFE, 0xE6, 0xF4);
        assertEquals(List.of(new Trap.MmioRead(0xFEE00020L, 4), new Trap.MmioRead(0xFEE00024L, 4), new Trap.PortOut(0xF4, 1, 0x33)),
                traps);
        assertEquals(0x44112233, cpu.read(Register.EAX));
    }

    @Test
    void aLoadRunningPastTheLastPageIsAFaultAtTheNextPage() {
        // mov eax, [0xFEE00FFE] ; out 0xf4, al
        run(0xA1, 0xFE, 0x0F, 0xE0, 0xFE, 0xE6, 0xF4);
        // QEMU splits it into the aligned word below the end, which the device answers, and the one
        // past it, where nothing is mapped: the access as a whole is a fault, as on hardware.
        assertEquals(new Trap.MmioRead(0xFEE00FFCL, 4), traps.get(0));
        assertTrue(traps.get(1) instanceof Trap.MemoryFault fault && fault.address() == 0xFEE01000L
                && fault.access() == MemoryAccess.READ, traps.toString());
    }

    @Test
    void codeInDeviceMemoryDoesNotRun() {
        // jmp 0xFEE00000 (absolute, through EAX)
        run(0xB8, 0x00, 0x00, 0xE0, 0xFE, 0xFF, 0xE0);
        assertTrue(traps.stream().noneMatch(t -> t instanceof Trap.MmioRead), traps.toString());
        assertTrue(traps.getFirst() instanceof Trap.MemoryFault fault && fault.access() == MemoryAccess.FETCH, traps.toString());
    }

    @Test
    void anAnsweredRegisterIsReadWithNoTrapWholeOnlyAndThroughAnAliasToo() {
        cpu.answerReads(0xFEE00020L, 0x0A00_0000);
        cpu.mapDevice(0x20000, 0x1000, DEVICE);
        // mov eax, [0xFEE00020] ; mov ebx, [0x20020] ; mov cx, [0xFEE00020] ; mov edx, [0xFEE00030] ; out 0xf4, al
        run(0xA1, 0x20, 0x00, 0xE0, 0xFE, 0x8B, 0x1D, 0x20, 0x00, 0x02, 0x00, 0x66, 0x8B, 0x0D, 0x20, 0x00, 0xE0, 0xFE,
                0x8B, 0x15, 0x30, 0x00, 0xE0, 0xFE, 0xE6, 0xF4);
        assertEquals(0x0A00_0000, cpu.read(Register.EAX), "answered by the CPU");
        assertEquals(0x0A00_0000, cpu.read(Register.EBX), "through the alias too");
        assertEquals(2, cpu.readsAnswered());
        // the part-register read and the other register still reach the device
        assertEquals(List.of(new Trap.MmioRead(0xFEE00020L, 2), new Trap.MmioRead(0xFEE00030L, 4), new Trap.PortOut(0xF4, 1, 0)),
                traps);
        assertEquals(0x3344, cpu.read(Register.ECX) & 0xFFFF);
        assertEquals(0x11223344, cpu.read(Register.EDX));

        cpu.answerReads(0xFEE00020L, 0x0B00_0000); // the guest wrote its ID: the VMM answers the new value
        traps.clear();
        run(0xA1, 0x20, 0x00, 0xE0, 0xFE, 0xE6, 0xF4);
        assertEquals(0x0B00_0000, cpu.read(Register.EAX));
        cpu.answerReads(-1, 0); // none answered: the device again
        traps.clear();
        run(0xA1, 0x20, 0x00, 0xE0, 0xFE, 0xE6, 0xF4);
        assertEquals(new Trap.MmioRead(0xFEE00020L, 4), traps.getFirst());
        assertEquals(3, cpu.readsAnswered());
    }

    @Test
    void anAliasNamesTheDeviceAddressAndGoesAwayWithUnmap() {
        cpu.mapDevice(0x20000, 0x1000, DEVICE);
        // mov eax, [0x20020] ; out 0xf4, al
        run(0xA1, 0x20, 0x00, 0x02, 0x00, 0xE6, 0xF4);
        assertEquals(new Trap.MmioRead(0xFEE00020L, 4), traps.getFirst());
        cpu.unmap(0x20000, 0x1000);
        traps.clear();
        run(0xA1, 0x20, 0x00, 0x02, 0x00, 0xE6, 0xF4);
        assertTrue(traps.getFirst() instanceof Trap.MemoryFault fault && fault.address() == 0x20020, traps.toString());
    }

    @Test
    void deviceMemoryMustBeWholePages() {
        assertThrows(IllegalArgumentException.class, () -> cpu.mapDevice(0xFEC00010L, 0x1000));
        assertThrows(IllegalArgumentException.class, () -> cpu.mapDevice(0xFEC00000L, 0x10));
    }
}
