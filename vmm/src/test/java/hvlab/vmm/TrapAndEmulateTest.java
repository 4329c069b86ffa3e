package hvlab.vmm;

import hvlab.vmm.paravirt.Hypercalls;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/** Real guests on the real Unicorn CPU: what each kind of trap turns into. */
class TrapAndEmulateTest {

    @Test
    void twoHundredThousandPrivilegedTrapsAllArriveAsGeneralProtection() {
        // Without the Unicorn #1883 workaround the second #GP would arrive as #DF (8) and the
        // third would triple-fault: the VM would end with a fault after two instructions.
        VmResult result = TestGuests.run("cli-sti-storm", """
                        mov ecx, 100000
                .loop:  cli
                        sti
                        dec ecx
                        jnz .loop
                        debug_exit 0
                """);
        assertEquals(new VmExit.DebugExit(0), result.exit());
        assertEquals(1, result.exit().status());
        assertEquals(200_000, result.traps(TrapKind.PRIVILEGED));
        assertEquals(0, result.traps(TrapKind.FAULT));
    }

    @Test
    void debugExitStatusIsValueShiftedLeftOrOne() {
        VmResult result = TestGuests.run("exit-21", "debug_exit 21\n");
        assertEquals((21 << 1) | 1, result.exit().status());
    }

    @Test
    void unmappedReadEndsTheVmWithAFaultNamingTheAddressAndTheJvmCarriesOn() {
        VmResult result = TestGuests.run("wild-read", "mov eax, [0x40000000]\n");
        VmExit.MemoryFault fault = assertInstanceOf(VmExit.MemoryFault.class, result.exit());
        assertEquals(0x40000000L, fault.address());
        assertEquals("read", fault.access());
        assertEquals(0x100000L, fault.eip());
        assertEquals(70, fault.status());
        assertEquals("fault", fault.reason());
        // The same JVM boots the next guest as if nothing happened.
        assertEquals(new VmExit.DebugExit(3), TestGuests.run("after", "debug_exit 3\n").exit());
    }

    @Test
    void writeToTheVmmRegionIsRefused() {
        VmResult result = TestGuests.run("gdt-write", "mov dword [0xFFF00008], 0\n");
        VmExit.MemoryFault fault = assertInstanceOf(VmExit.MemoryFault.class, result.exit());
        assertEquals("write", fault.access());
        assertFalse(fault.unmapped(), "mapped, but read-only for the guest");
    }

    @Test
    void privilegedInstructionNotYetEmulatedEndsWithItsText() {
        VmResult result = TestGuests.run("clear-pe", """
                        mov eax, cr0
                        and eax, ~1             ; back to real mode: not something hvlab emulates
                        mov cr0, eax
                """);
        VmExit.NotEmulated ne = assertInstanceOf(VmExit.NotEmulated.class, result.exit());
        assertTrue(ne.instruction().contains("real mode"), ne.instruction());
        assertEquals(0x100000L + 6, ne.eip());
        assertEquals("not-emulated", ne.reason());
    }

    @Test
    void sysexitIsAnInvalidOpcodeOnTheCpuTheGuestSees() {
        // CPUID leaf 1 does not advertise SEP, so SYSEXIT (like SYSENTER) is #UD, at any level.
        VmResult result = TestGuests.run("sysexit", "sysexit\n");
        VmExit.Fault fault = assertInstanceOf(VmExit.Fault.class, result.exit());
        assertEquals(6, fault.vector());
        assertEquals(0x100000L, fault.eip());
    }

    @Test
    void controlRegistersReadBackWhatTheGuestKernelWrote() {
        VmResult result = TestGuests.run("cr0", """
                        mov eax, cr0
                        cmp eax, 0x11
                        jne .bad
                        or eax, 1 << 16         ; CR0.WP
                        mov cr0, eax
                        mov ebx, cr0
                        cmp ebx, eax
                        jne .bad
                        mov eax, 0x5000
                        mov cr3, eax
                        mov ecx, cr3
                        cmp ecx, 0x5000
                        jne .bad
                        rdtsc
                        mov esi, eax
                        rdtsc
                        cmp eax, esi
                        jbe .bad
                        debug_exit 1
                .bad:   debug_exit 2
                """);
        assertEquals(new VmExit.DebugExit(1), result.exit());
        assertEquals(7, result.traps(TrapKind.PRIVILEGED));
    }

    @Test
    void guestsOwnGeneralProtectionFaultIsAFaultExit() {
        // Selector 0x38 is beyond the guest's GDT entries: a real #GP that no emulation hides.
        VmResult result = TestGuests.run("bad-selector", """
                        mov ax, 0x38 | 3
                        mov ds, ax
                """);
        VmExit.Fault fault = assertInstanceOf(VmExit.Fault.class, result.exit());
        assertEquals(13, fault.vector());
        assertEquals(0x100004L, fault.eip());
        assertEquals(1, result.traps(TrapKind.FAULT));
    }

    @Test
    void invalidOpcodeAndDivideErrorAndSoftwareInterruptWithoutIdtAreFaults() {
        VmExit ud = TestGuests.run("ud2", "nop\nud2\n").exit();
        assertEquals(new VmExit.Fault(6, 0x100001L, "invalid opcode"), ud);

        VmExit.Fault de = assertInstanceOf(VmExit.Fault.class, TestGuests.run("div0", """
                        xor ecx, ecx
                        div ecx
                """).exit());
        assertEquals(0, de.vector());
        assertEquals(0x100002L, de.eip());

        VmExit.Fault syscall = assertInstanceOf(VmExit.Fault.class, TestGuests.run("int80", "nop\nint 0x80\n").exit());
        assertEquals(0x80, syscall.vector());
        assertEquals(0x100001L, syscall.eip());
    }

    @Test
    void unclaimedPortsReadAllOnesAndWritesAreCounted() {
        VmResult result = TestGuests.run("probe", """
                        mov dx, 0x1234
                        in eax, dx
                        out 0x80, al
                        cmp eax, 0xFFFFFFFF
                        jne .bad
                        debug_exit 1
                .bad:   debug_exit 2
                """);
        assertEquals(new VmExit.DebugExit(1), result.exit());
        assertEquals(1, result.unclaimedPortReads());
        assertEquals(1, result.unclaimedPortWrites());
    }

    @Test
    void unknownHypercallReturnsMinusEnosys() {
        VmResult result = TestGuests.run("hypercall", """
                        mov eax, 0x7777
                        int HYPERCALL
                        cmp eax, -38
                        jne .bad
                        debug_exit 1
                .bad:   debug_exit 2
                """);
        assertEquals(new VmExit.DebugExit(1), result.exit());
        assertEquals(1, result.traps(TrapKind.HYPERCALL));
        assertEquals(-38, Hypercalls.ENOSYS);
    }

    @Test
    void cpuidSaysAHypervisorIsPresentAndNamesIt() {
        VmResult result = TestGuests.run("cpuid", """
                        mov eax, 1
                        cpuid
                        bt ecx, 31
                        jnc .bad
                        mov eax, 0x40000000
                        cpuid
                        cmp ebx, 'hvla'
                        jne .bad
                        debug_exit 1
                .bad:   debug_exit 2
                """);
        assertEquals(new VmExit.DebugExit(1), result.exit());
        assertEquals(2, result.traps(TrapKind.CPUID));
    }

    @Test
    void entryStateFollowsTheAbi() {
        // EBX = RAM size, ESP = top of RAM, real CPL 3.
        VmResult result = TestGuests.run("entry", """
                        cmp ebx, 16 * 1024 * 1024
                        jne .bad
                        cmp esp, ebx
                        jne .bad
                        mov ax, cs
                        and ax, 3
                        cmp ax, 3
                        jne .bad
                        debug_exit 1
                .bad:   debug_exit 2
                """);
        assertEquals(new VmExit.DebugExit(1), result.exit());
    }

    @Test
    void aGuestThatNeverEndsTimesOut() {
        var config = VmConfig.of(TestGuests.assemble("spin", "jmp $\n")).withTimeout(Duration.ofMillis(300));
        VmResult result = TestGuests.run(config);
        assertInstanceOf(VmExit.Timeout.class, result.exit());
        assertEquals("timeout", result.exit().reason());
    }

    @Test
    void aRewrittenPrivilegedInstructionIsDecodedAfresh() {
        // The VMM keeps decoded instructions by address; here the guest turns its CLI into HLT
        // after the first pass, and the second pass must be emulated as the HLT it now is.
        VmResult result = TestGuests.run("rewrite", """
                site:   cli
                        cmp byte [site], 0xF4
                        je .spun
                        mov byte [site], 0xF4   ; hlt
                        jmp site
                .spun:  debug_exit 2
                """);
        assertEquals(new VmExit.Halt(0x100000), result.exit());
    }
}
