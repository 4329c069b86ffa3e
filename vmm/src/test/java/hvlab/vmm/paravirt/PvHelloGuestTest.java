package hvlab.vmm.paravirt;

import hvlab.vmm.ExecutionMode;
import hvlab.vmm.TrapKind;
import hvlab.vmm.Vm;
import hvlab.vmm.VmConfig;
import hvlab.vmm.VmExit;
import hvlab.vmm.VmResult;
import hvlab.vmm.boot.BootLayout;
import hvlab.vmm.image.GuestImage;
import hvlab.vmm.image.GuestImages;
import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.*;

/** The built-in pv-hello guest on the real Unicorn CPU, with and without the hypercall table. */
class PvHelloGuestTest {
    @Test
    void underParavirtItPrintsVerifiesAndExitsWithoutOnePrivilegedInstruction() throws Exception {
        GuestImage image = GuestImages.resolve("pv-hello");
        StringBuilder console = new StringBuilder();
        VmConfig config = VmConfig.of(image).withMode(ExecutionMode.PARAVIRT);
        try (Vm vm = new Vm(config, b -> console.append((char) b))) {
            HypercallTable table = new HypercallTable(vm.virtualCpu(), config.memoryBytes(), (base, limit) -> { },
                    b -> console.append((char) b), vm::virtualNanos);
            vm.dispatcher().setHypercallHandler(table);
            VmResult result = vm.run();

            assertEquals(new VmExit.DebugExit(0), result.exit(), console.toString());
            IntegrityHooks.Measurement code = table.measurements().getFirst();
            assertEquals(BootLayout.GUEST_LOAD_ADDRESS, code.address());
            byte[] expected = MessageDigest.getInstance("SHA-256").digest(Arrays.copyOf(image.code(), (int) code.length()));
            String lines = """
                    pv-hello: hypervisor interface 48560001
                    pv-hello: IDT loaded, interrupts enabled (IF was 0)
                    pv-hello: CR0 = 00000011
                    sha256(code) = %s
                    integrity verified by the VMM
                    a forged hash is refused
                    virtual time: """.formatted(HexFormat.of().formatHex(expected));
            assertTrue(console.toString().startsWith(lines), console.toString());
            assertTrue(console.toString().matches("(?s).*virtual time: [0-9a-f]{8} ns since boot\n"), console.toString());
            assertEquals(3, table.measurements().size(), "measure, verify, verify the forgery");
            assertEquals(0, result.traps(TrapKind.PRIVILEGED));
            assertEquals(0, result.traps(TrapKind.IO));
            assertTrue(vm.virtualCpu().interruptsEnabled());
            assertTrue(vm.virtualCpu().hasIdt());
        }
    }

    @Test
    void withoutTheHypercallTableItSaysSoOverCom1() throws Exception {
        VmConfig config = VmConfig.of(GuestImages.resolve("pv-hello"));
        try (Vm vm = new Vm(config, b -> { })) {
            vm.dispatcher().setHypercallHandler(HypercallTable.disabled());
            VmResult result = vm.run();
            assertEquals("pv-hello: no hypervisor interface here; run it with --mode paravirt\n", result.serial());
            assertEquals(new VmExit.DebugExit(2), result.exit());
            assertEquals(5, result.exit().status());
            assertEquals(1, result.traps(TrapKind.HYPERCALL));
        }
    }
}
