package hvlab.vmm;

import hvlab.vmm.image.GuestImages;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/** Guests with kernels of their own: IDTs, timer interrupts, user tasks, system calls. */
class GuestKernelTest {
    static VmResult runBuiltIn(String name) throws Exception {
        return TestGuests.run(VmConfig.of(GuestImages.resolve(name)).withTimeout(Duration.ofSeconds(20)));
    }

    @Test
    void ticksPrintsTwoHundredTimerInterrupts() throws Exception {
        VmResult result = runBuiltIn("ticks");
        StringBuilder expected = new StringBuilder();
        for (int i = 1; i <= 200; i++) expected.append("tick ").append(i).append('\n');
        expected.append("200 ticks of a 20 Hz timer: done\n");
        assertEquals(expected.toString(), result.serial());
        assertInstanceOf(VmExit.Halt.class, result.exit());
        assertEquals(200, result.traps(TrapKind.INTERRUPT));
    }

    @Test
    void syscallsServesItsUserTaskAndStopsItAtCli() throws Exception {
        VmResult result = runBuiltIn("syscalls");
        assertEquals("""
                kernel: entering the user task at CPL 3
                user: hello from ring 3, through int 0x80
                user: the kernel says I run at CPL 3
                user: now trying CLI...
                kernel: #GP from the user task (error code 0): task ended
                kernel: served 4 system calls
                """, result.serial());
        assertInstanceOf(VmExit.Halt.class, result.exit());
    }

    @Test
    void aGuestExceptionReachesItsOwnHandlerWithTheHardwareFrame() {
        // #DE from div, handled by the guest's IDT entry 0; the handler checks the frame
        // (EIP of the div, CS with RPL 0 as the guest kernel expects) and skips the div.
        VmResult result = TestGuests.run("divide-handler", """
                %include "kernel.inc"
                        load_kernel_segments
                        set_gate 0, divide_error, 0x8E
                        lidt [idt_descriptor]
                        xor ecx, ecx
                faulting:
                        div ecx
                        cmp dword [handled], 1
                        jne .bad
                        debug_exit 1
                .bad:   debug_exit 2
                divide_error:
                        cmp dword [esp], faulting       ; EIP points at the div (a fault)
                        jne .wrong
                        cmp dword [esp + 4], KERNEL_CS  ; CS as the kernel wrote it
                        jne .wrong
                        mov dword [handled], 1
                        add dword [esp], 2              ; skip the 2-byte div
                        iretd
                .wrong: debug_exit 3
                handled: dd 0
                define_gdt
                define_idt
                """);
        assertEquals(new VmExit.DebugExit(1), result.exit());
    }

    @Test
    void aBrokenIdtEndsInATripleFault() {
        VmResult result = TestGuests.run("bad-idt", """
                        lidt [descriptor]
                        ud2
                descriptor: dw 8 * 8 - 1
                            dd 0x200000       ; an IDT of zeros: no usable gate anywhere
                """);
        VmExit.Fault fault = assertInstanceOf(VmExit.Fault.class, result.exit());
        assertEquals(8, fault.vector());
        assertTrue(fault.detail().contains("triple fault"), fault.detail());
    }
}
