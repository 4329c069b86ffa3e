package hvlab.vmm.gdb;

import hvlab.cpu.Register;
import hvlab.vmm.SliceResult;
import hvlab.vmm.Vm;
import hvlab.vmm.VmConfig;
import hvlab.vmm.image.GuestImage;
import hvlab.vmm.image.NasmAssembler;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/**
 * gdb's addresses are virtual: once the guest pages, the stub reads and writes through the
 * guest's own page tables (never the VMM's shadows), and a breakpoint still stops where it should.
 */
class PagingViewTest {
    private static final long SPIN = 0x100100;

    /** Identity-maps its first 4 MiB with one large page, maps 0x40000000 to the frame 0x300000, turns paging on, spins. */
    private static final String GUEST = """
            bits 32
            org 0x100000
            %include "abi.inc"
            PD  equ 0x200000
            PT1 equ 0x201000
                    mov dword [0x300000], 0xCAFEBABE
                    mov edi, PD
                    mov ecx, 2048
                    xor eax, eax
                    rep stosd
                    mov dword [PD], 0x83
                    mov dword [PD + 0x100 * 4], PT1 | 3
                    mov dword [PT1], 0x300000 | 3
                    mov eax, cr4
                    or eax, 0x10
                    mov cr4, eax
                    mov eax, PD
                    mov cr3, eax
                    mov eax, cr0
                    or eax, 0x80000000
                    mov cr0, eax
                    times 0x100-($-$$) nop
            spin:   inc dword [0x40000004]
                    jmp spin
            """;

    @Test
    void readsWritesAndBreaksThroughTheGuestsPageTables() throws Exception {
        Path source = Files.createTempDirectory("hvlab-gdb-paging").resolve("paging.asm");
        Files.writeString(source, GUEST);
        try (Vm vm = new Vm(VmConfig.of(new GuestImage("p", NasmAssembler.assemble(source))).withMemory(16L << 20), b -> { })) {
            vm.boot();
            for (int i = 0; i < 100 && !vm.virtualCpu().pagingEnabled(); i++) {
                SliceResult r = vm.runSlice(Duration.ofMillis(20));
                assertFalse(r instanceof SliceResult.Ended, "the guest ended: " + r);
            }
            assertTrue(vm.virtualCpu().pagingEnabled());
            BreakpointTraps traps = new BreakpointTraps(vm.dispatcher(), vm.cpu(), eip -> false);
            vm.cpu().setTrapHandler(traps);
            traps.insert(SPIN);
            traps.arm(() -> { });
            for (int i = 0; i < 100 && eip(vm) != SPIN; i++) {
                vm.runSlice(Duration.ofMillis(20));
            }
            assertEquals(SPIN, eip(vm), "the breakpoint stops the paging guest");

            GuestView view = new GuestView(vm);
            byte[] marker = view.read(0x40000000L, 4);
            assertArrayEquals(new byte[] {(byte) 0xBE, (byte) 0xBA, (byte) 0xFE, (byte) 0xCA}, marker, "virtual 0x40000000 is frame 0x300000");
            assertThrows(DebugTarget.TargetException.class, () -> view.read(0x40001000L, 4), "not mapped by the guest");
            assertThrows(DebugTarget.TargetException.class, () -> view.read(0xFFF00000L, 4), "the VMM's region is not mapped for the guest");
            assertEquals(4, view.read(0x40000ffcL, 8).length, "a read that runs into an unmapped page stops there");
            view.write(0x40000000L, new byte[] {1, 2, 3, 4});
            assertEquals(0x04030201, vm.ram().read(0x300000, 4), "a write lands in the guest's frame");
            assertThrows(DebugTarget.TargetException.class, () -> view.write(0x40000ffeL, new byte[4]));
            assertEquals(0x04030201, vm.ram().read(0x300000, 4), "a write that cannot be done whole is not done at all");

            traps.disarm();
            VmStepper.step(vm, traps);
            assertEquals(SPIN + 6, eip(vm), "one step over the increment through the alias");
            int before = vm.ram().read(0x300004, 4);
            for (int i = 0; i < 20; i++) { // consecutive steps: the translations made for the first still count
                VmStepper.step(vm, traps);
                assertEquals(i % 2 == 0 ? SPIN : SPIN + 6, eip(vm));
            }
            assertEquals(before + 10, vm.ram().read(0x300004, 4), "ten increments in twenty steps");
        }
    }

    private static long eip(Vm vm) {
        return Integer.toUnsignedLong(vm.cpu().read(Register.EIP));
    }
}
