package hvlab.vmm.gdb;

import hvlab.cpu.Register;
import hvlab.vmm.ExecutionMode;
import hvlab.vmm.SliceResult;
import hvlab.vmm.Vm;
import hvlab.vmm.VmConfig;
import hvlab.vmm.image.GuestImage;
import hvlab.vmm.image.NasmAssembler;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Breakpoints and single steps on a real VM, in every mode: a breakpoint stops before its
 * instruction without a byte of guest memory changed, and a step runs exactly one instruction,
 * a trapping one (CLI, emulated by the VMM) included.
 */
class SteppingTest {
    private static final long BREAK = 0x100040;

    /** At 0x100040: mov eax,1 (5 bytes); cli (1); mov ebx,2 (5); inc eax (1); then a loop back. */
    private static final String GUEST = """
            bits 32
            org 0x100000
            %include "abi.inc"
                    xor ecx, ecx
            again:  inc ecx
                    cmp ecx, 3
                    jb again
                    jmp code
                    times 0x40-($-$$) db 0x90
            code:   mov eax, 1
                    cli
                    mov ebx, 2
                    inc eax
                    mov al, 0
                    out 0xf4, al
            """;

    /** A red pill at 0x100040 (SGDT, which binary translation watches): it must see the guest's GDTR, not the VMM's shadow at 0xFFF00000. */
    private static final String RED_PILL = """
            bits 32
            org 0x100000
            %include "abi.inc"
                    jmp code
                    times 0x40-($-$$) db 0x90
            code:   sgdt [0x200000]
                    mov eax, [0x200002]
                    cmp eax, 0xFFF00000
                    jae seen
                    mov al, 0
                    out 0xf4, al
            seen:   mov al, 1
                    out 0xf4, al
            """;

    @org.junit.jupiter.api.Test
    void aBreakpointOnATranslatedSiteStopsFirstThenTheSiteIsEmulated() throws Exception {
        try (Vm vm = boot(ExecutionMode.BT, RED_PILL)) {
            BreakpointTraps traps = new BreakpointTraps(vm.dispatcher(), vm.cpu(),
                    eip -> vm.translator() != null && vm.translator().site(eip) != null);
            vm.cpu().setTrapHandler(traps);
            traps.insert(BREAK);
            traps.arm(() -> { });
            for (int i = 0; i < 100 && eip(vm) != BREAK; i++) {
                vm.runSlice(Duration.ofMillis(100));
            }
            assertEquals(BREAK, eip(vm));
            assertNotNull(vm.translator().site(BREAK), "SGDT is a translated site");
            traps.disarm();
            traps.remove(BREAK); // the translator keeps its hook there
            VmStepper.step(vm, traps);
            assertEquals(BREAK + 7, eip(vm));
            SliceResult end = null;
            for (int i = 0; i < 10 && !(end instanceof SliceResult.Ended); i++) {
                end = vm.runSlice(Duration.ofMillis(100));
            }
            assertEquals(new hvlab.vmm.VmExit.DebugExit(0), ((SliceResult.Ended) end).exit(),
                    "the stepped SGDT was emulated: the guest saw its own GDTR");
        }
        try (Vm vm = boot(ExecutionMode.TRAP, RED_PILL)) {
            SliceResult end = null;
            for (int i = 0; i < 10 && !(end instanceof SliceResult.Ended); i++) {
                end = vm.runSlice(Duration.ofMillis(100));
            }
            assertEquals(new hvlab.vmm.VmExit.DebugExit(1), ((SliceResult.Ended) end).exit(), "natively, SGDT sees the VMM");
        }
    }

    private static Vm boot(ExecutionMode mode) throws Exception {
        return boot(mode, GUEST);
    }

    private static Vm boot(ExecutionMode mode, String guest) throws Exception {
        Path dir = Files.createTempDirectory("hvlab-gdb-step");
        Path source = dir.resolve("step.asm");
        Files.writeString(source, guest);
        Vm vm = new Vm(VmConfig.of(new GuestImage("step", NasmAssembler.assemble(source))).withMode(mode), b -> { });
        vm.boot();
        return vm;
    }

    private static long eip(Vm vm) {
        return Integer.toUnsignedLong(vm.cpu().read(Register.EIP));
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void aBreakpointStopsBeforeItsInstructionAndStepsGoOneAtATime(ExecutionMode mode) throws Exception {
        try (Vm vm = boot(mode)) {
            BreakpointTraps traps = new BreakpointTraps(vm.dispatcher(), vm.cpu(),
                    eip -> vm.translator() != null && vm.translator().site(eip) != null);
            vm.cpu().setTrapHandler(traps);
            byte[] before = vm.ram().readBytes(BREAK, 16);
            traps.insert(BREAK);
            int[] hits = {0};
            traps.arm(() -> hits[0]++);
            for (int i = 0; i < 100 && eip(vm) != BREAK; i++) {
                SliceResult r = vm.runSlice(Duration.ofMillis(100));
                assertFalse(r instanceof SliceResult.Ended, "the guest ended before its breakpoint: " + r);
            }
            assertEquals(BREAK, eip(vm));
            assertTrue(hits[0] >= 1);
            assertArrayEquals(before, vm.ram().readBytes(BREAK, 16), "a breakpoint never writes guest memory");
            traps.disarm();

            VmStepper.step(vm, traps);
            assertEquals(BREAK + 5, eip(vm));
            assertEquals(1, vm.cpu().read(Register.EAX));
            VmStepper.step(vm, traps);                      // cli: a trap the VMM emulates, once
            assertEquals(BREAK + 6, eip(vm));
            assertFalse(vm.virtualCpu().interruptsEnabled());
            VmStepper.step(vm, traps);
            assertEquals(BREAK + 11, eip(vm));
            assertEquals(2, vm.cpu().read(Register.EBX));
            VmStepper.step(vm, traps);
            assertEquals(BREAK + 12, eip(vm));
            assertEquals(2, vm.cpu().read(Register.EAX));

            SliceResult end = null;
            for (int i = 0; i < 10 && !(end instanceof SliceResult.Ended); i++) {
                end = vm.runSlice(Duration.ofMillis(100));
            }
            assertInstanceOf(SliceResult.Ended.class, end);
        }
    }
}
