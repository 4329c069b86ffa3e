package hvlab.vmm.bt;

import hvlab.vmm.ExecutionMode;
import hvlab.vmm.TrapKind;
import hvlab.vmm.Vm;
import hvlab.vmm.VmConfig;
import hvlab.vmm.VmExit;
import hvlab.vmm.VmResult;
import hvlab.vmm.image.GuestImage;
import hvlab.vmm.image.GuestImages;
import hvlab.vmm.image.NasmAssembler;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The translator on the real CPU: the red pill sees through trap-and-emulate and not through
 * binary translation, and emulated flags and selectors reach the instructions that follow them.
 */
class RedPillTest {
    static VmResult run(GuestImage image, ExecutionMode mode) {
        try (Vm vm = new Vm(VmConfig.of(image).withMode(mode).withTimeout(Duration.ofSeconds(20)), b -> { })) {
            return vm.run();
        }
    }

    /** Where the guest says it loaded a table; the address moves whenever the guest's code grows. */
    static String loadedAt(String serial, String table) {
        Matcher m = Pattern.compile(table + " +says the .DT is at \\p{XDigit}{8}, I loaded it at (\\p{XDigit}{8})")
                .matcher(serial);
        assertTrue(m.find(), "no " + table + " line in:\n" + serial);
        return m.group(1);
    }

    @Test
    void underTrapAndEmulateEveryCheckSeesTheVmm() throws Exception {
        VmResult result = run(GuestImages.resolve("redpill"), ExecutionMode.TRAP);
        String idt = loadedAt(result.serial(), "SIDT"), gdt = loadedAt(result.serial(), "SGDT");
        assertEquals(("""
                redpill: is this bare metal? four checks
                redpill: SIDT  says the IDT is at 00000000, I loaded it at %1$s -> VMM detected
                redpill: SGDT  says the GDT is at FFF00000, I loaded it at %2$s -> VMM detected
                redpill: SMSW  says CR0.TS = 0 after I set it -> VMM detected
                redpill: PUSHF says IF = 1 after CLI -> VMM detected
                redpill: a VMM is detected (4 of 4 checks)
                """).formatted(idt, gdt), result.serial());
        assertInstanceOf(VmExit.Halt.class, result.exit());
    }

    @Test
    void mirroringTheInterruptFlagClosesPushfAndOnlyPushf() throws Exception {
        GuestImage image = GuestImages.resolve("redpill");
        VmConfig config = VmConfig.of(image).withMode(ExecutionMode.TRAP).withTimeout(Duration.ofSeconds(20)).withMirroredInterruptFlag(true);
        VmResult result;
        try (Vm vm = new Vm(config, b -> { })) {
            result = vm.run();
        }
        assertTrue(result.serial().contains("redpill: PUSHF says IF = 0 after CLI -> as on bare metal"), result.serial());
        assertTrue(result.serial().contains("redpill: SIDT  says the IDT is at 00000000"), "the tables still leak");
        assertTrue(result.serial().contains("redpill: a VMM is detected (3 of 4 checks)"), result.serial());
        assertInstanceOf(VmExit.Halt.class, result.exit());
        assertTrue(result.traps(TrapKind.PRIVILEGED) > 0, "CLI still traps: the guest is still deprivileged");
    }

    @Test
    void underBinaryTranslationNoCheckDoes() throws Exception {
        VmResult result = run(GuestImages.resolve("redpill"), ExecutionMode.BT);
        String idt = loadedAt(result.serial(), "SIDT"), gdt = loadedAt(result.serial(), "SGDT");
        assertEquals(("""
                redpill: is this bare metal? four checks
                redpill: SIDT  says the IDT is at %1$s, I loaded it at %1$s -> as on bare metal
                redpill: SGDT  says the GDT is at %2$s, I loaded it at %2$s -> as on bare metal
                redpill: SMSW  says CR0.TS = 1 after I set it -> as on bare metal
                redpill: PUSHF says IF = 0 after CLI -> as on bare metal
                redpill: no VMM detected
                """).formatted(idt, gdt), result.serial());
        assertInstanceOf(VmExit.Halt.class, result.exit());
        assertEquals(4, result.traps(TrapKind.TRANSLATED));
        assertEquals(4, result.translatedSites(), "SIDT, SGDT, SMSW and PUSHFD; the scan finds nothing in the data");
    }

    @Test
    void emulatedFlagsAndSelectorsReachTheNextInstructions() throws Exception {
        VmResult result = run(assemble("""
                        mov eax, 1
                        cmp eax, 2               ; CF = 1, SF = 1, ZF = 0, computed lazily by the CPU
                        pushfd
                        pop ebx
                        and ebx, 0xC1            ; SF, ZF, CF
                        cmp ebx, 0x81
                        jne bad
                        push dword 0x243         ; IF, ZF, CF
                        popfd                    ; the virtual IF goes to 1, ZF and CF to the real flags
                        jnz bad
                        jnc bad
                        pushfd
                        pop ebx
                        test ebx, 0x200
                        jz bad
                        mov ecx, 0x08
                        lar edx, ecx             ; the boot GDT's kernel code: DPL 0
                        jnz bad
                        cmp edx, 0x00C09B00
                        jne bad
                        mov ax, cs
                        cmp ax, 0x08
                        jne bad
                        push ss
                        pop eax
                        cmp eax, 0x10
                        jne bad
                        debug_exit 1
                bad:    debug_exit 2
                """), ExecutionMode.BT);
        assertEquals(new VmExit.DebugExit(1), result.exit());
        assertEquals(6, result.traps(TrapKind.TRANSLATED));
    }

    static GuestImage assemble(String body) throws Exception {
        Path source = Files.createTempDirectory("hvlab-bt-test").resolve("flags.asm");
        Files.writeString(source, "bits 32\norg 0x100000\n%include \"abi.inc\"\n" + body);
        return new GuestImage("flags", NasmAssembler.assemble(source));
    }
}
