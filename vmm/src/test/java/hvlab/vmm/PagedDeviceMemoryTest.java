package hvlab.vmm;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Device memory under paging (DESIGN.md section 17, "what the shadow MMU must do"): a guest
 * kernel that maps the APICs as xv6 does (identity, writable, PCD and PWT; here the I/O APIC's
 * through a 4 MiB page as entry.S maps memory), and one page more at 0x40000000 that is an alias of
 * the local APIC. Each access is one MMIO trap to the device with its physical address; the
 * shadow MMU never takes such a frame for RAM. The hostile guests map frames no device and no RAM
 * holds, a device frame below the top of RAM, and hand the VMM a descriptor table in device
 * memory.
 */
class PagedDeviceMemoryTest {

    /** Turns paging on (0-4 MiB and the stack's 4 MiB identity, the APICs, 0x40000000 -> the local APIC), then runs {@code body}. */
    static String guest(String body) {
        return """
                %include "kernel.inc"
                LAPIC   equ 0xFEE00000
                IOAPIC  equ 0xFEC00000
                PD      equ 0x200000
                PT0     equ 0x201000
                PT_HIGH equ 0x203000
                P equ 1
                RW equ 2
                PWT equ 8
                PCD equ 0x10
                PS equ 0x80
                start:  load_kernel_segments
                        mov edi, PD
                        xor eax, eax
                        mov ecx, 4 * 1024
                        rep stosd
                        mov edi, PT0
                        mov eax, P | RW
                        mov ecx, 1024
                .ident: stosd
                        add eax, 0x1000
                        loop .ident
                        mov dword [PD], PT0 | P | RW
                        mov dword [PD + 12], 0xC00000 | PS | P | RW                         ; the stack's 4 MiB
                        mov dword [PD + (IOAPIC >> 22) * 4], IOAPIC | PS | P | RW | PWT | PCD   ; 0xFEC00000-0xFEFFFFFF
                        mov dword [PD + (0x40000000 >> 22) * 4], PT_HIGH | P | RW
                        mov dword [PT_HIGH], LAPIC | P | RW | PWT | PCD                     ; 0x40000000 -> the local APIC
                        mov eax, cr4
                        or eax, 0x10
                        mov cr4, eax
                        mov eax, PD
                        mov cr3, eax
                        mov eax, cr0
                        or eax, 0x80010000
                        mov cr0, eax
                """ + body + """
                %include "serial.inc"
                define_gdt
                define_idt
                """;
    }

    static VmResult run(String name, String body) {
        return TestGuests.run(ApicGuestsTest.config(name, guest(body), ApicGuestsTest.APIC));
    }

    @Test
    void aPagingKernelReadsTheApicsThroughIdentityLargeAndAliasedPages() {
        VmResult result = run("paged-apic", """
                        mov eax, [LAPIC + 0x20]             ; ID, through the 4 MiB page
                        call print_hex
                        mov al, ' '
                        call putc
                        mov eax, [0x40000000 + 0x30]        ; version, through the alias
                        call print_hex
                        mov al, ' '
                        call putc
                        mov dword [0x40000000 + 0x80], 0x20 ; TPR through the alias, read back at home
                        mov eax, [LAPIC + 0x80]
                        call print_hex
                        mov al, ' '
                        call putc
                        mov dword [IOAPIC], 0x01            ; the I/O APIC's version register
                        mov eax, [IOAPIC + 0x10]
                        call print_hex
                        mov al, ' '
                        call putc
                        mov eax, [PD + (IOAPIC >> 22) * 4]  ; accessed and dirty set in the guest's own entry
                        and eax, 0x60
                        call print_hex
                        debug_exit 0
                """);
        assertEquals(new VmExit.DebugExit(0), result.exit(), result.exit().describe() + "; " + result.serial());
        assertEquals("00000000 00050014 00000020 00170011 00000060", result.serial());
        // each access a trap to the device, but the read of the ID, which the CPU answers (APIC virtualization)
        assertTrue(result.traps(TrapKind.MMIO) >= 5, "each access a trap to the device: " + result.traps());
    }

    @Test
    void aFrameNeitherRamNorADeviceEndsTheVmWithItsAddress() {
        VmResult result = run("paged-nothing", """
                        mov eax, [IOAPIC + 0x1000]          ; inside the 4 MiB page, but no device there
                        debug_exit 0
                """);
        assertTrue(result.exit() instanceof VmExit.Fault f && f.detail().contains("physical 0xfec01000")
                && f.detail().contains("no device"), result.exit().describe());
    }

    /**
     * Below the top of RAM a page can only show a device where the emulator translates (Unicorn
     * 2.1, DESIGN.md section 18): there the shadow entry names the device's frame and the load
     * reaches the APIC; on 2.0.1 (linear = physical) the shadow MMU refuses it by name.
     */
    @Test
    void aDeviceFrameBelowTheTopOfRamIsReachedWhereTheEmulatorTranslatesAndRefusedElsewhere() {
        VmResult result = run("paged-low-device", """
                        mov dword [PT0 + 5 * 4], LAPIC | P | RW   ; linear 0x5000 -> the local APIC
                        invlpg [0x5000]
                        mov eax, [0x5000 + 0x30]
                        call print_hex
                        debug_exit 0
                """);
        if (hvlab.cpu.unicorn.UnicornBackend.version().compareTo("2.1") >= 0) {
            assertEquals(new VmExit.DebugExit(0), result.exit(), result.exit().describe());
            assertEquals("00050014", result.serial(), "the local APIC's version register");
        } else {
            assertTrue(result.exit() instanceof VmExit.Fault f && f.detail().contains("device frame 0xfee00000"), result.exit().describe());
        }
    }

    @Test
    void aDescriptorTableInDeviceMemoryIsNeverReadAsRam() {
        VmResult result = run("paged-lidt-device", """
                        lidt [LAPIC + 0x30]                 ; the VMM emulates LIDT: its operand is device memory
                        debug_exit 0
                """);
        assertTrue(result.exit() instanceof VmExit.MemoryFault f && (f.address() & ~0xFFFL) == 0xFEE00000L, result.exit().describe());
    }
}
