package hvlab.vmm;

import hvlab.vmm.devices.PlatformOptions;
import hvlab.vmm.image.GuestImages;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Guests in NASM that use the APIC machine xv6 needs ({@code PlatformOptions.apic}), under the
 * real CPU with paging off: the local APIC's timer and EOI through device memory, the I/O APIC
 * routing COM1's IRQ 4, the MP table found the way xv6's mp.c finds it, and hostile accesses.
 */
class ApicGuestsTest {
    static final PlatformOptions APIC = PlatformOptions.DEFAULT.withApic(true);

    static VmConfig config(String name, String body, PlatformOptions platform) {
        return VmConfig.of(TestGuests.assemble(name, body)).withTimeout(Duration.ofSeconds(20)).withPlatform(platform);
    }

    /** A kernel in the style of xv6: 8259 masked, the local APIC's timer periodic, EOI per tick. */
    static final String LAPIC_TIMER = """
            %include "kernel.inc"
            LAPIC equ 0xFEE00000
            start:  load_kernel_segments
                    set_gate 0x40, timer, 0x8E
                    set_gate 0xFF, spurious, 0x8E
                    lidt [idt_descriptor]
                    mov al, 0xFF                        ; mask both 8259s, as xv6's picinit
                    out 0x21, al
                    out 0xA1, al
                    mov dword [LAPIC + 0xF0], 0x1FF     ; SVR: enable, spurious vector 0xFF
                    mov esi, version
                    call print
                    mov eax, [LAPIC + 0x30]
                    call print_hex
                    mov dword [LAPIC + 0x3E0], 0xB      ; divide by 1
                    mov dword [LAPIC + 0x320], 0x20040  ; periodic, vector 0x40
                    mov dword [LAPIC + 0x380], 10000000 ; 10 ms at the 1 GHz bus
                    mov dword [LAPIC + 0x350], 0x10000  ; LINT0 masked
                    mov dword [LAPIC + 0x310], 1 << 24  ; lapicstartap(1, ...): INIT, then STARTUP, to nobody
                    mov dword [LAPIC + 0x300], 0xC500
            .busy:  test dword [LAPIC + 0x300], 0x1000
                    jnz .busy
                    mov dword [LAPIC + 0x300], 0x0608
                    sti
            .idle:  hlt
                    cmp dword [ticks], 10
                    jb .idle
                    cli
                    mov esi, done
                    call print
                    debug_exit 0
            timer:  inc dword [ticks]
                    mov dword [LAPIC + 0xB0], 0         ; EOI
                    iretd
            spurious:
                    iretd
            %include "serial.inc"
            ticks:   dd 0
            version: db "version ", 0
            done:    db 10, "ten ticks", 10, 0
            define_gdt
            define_idt
            """;

    @Test
    void theLocalApicTimerTicksOnVirtualTimeThroughDeviceMemory() {
        VmResult result = TestGuests.run(config("lapic-timer", LAPIC_TIMER, APIC));
        assertEquals(new VmExit.DebugExit(0), result.exit(), result.exit().describe() + "; " + result.serial());
        assertTrue(result.serial().contains("version 00050014\nten ticks"), result.serial());
        assertTrue(result.traps(TrapKind.MMIO) >= 20, "every tick's EOI is a store to device memory: " + result.traps());
    }

    @Test
    void anApicMachineSavedMidTickThroughJsonCarriesOnWhereItWas() throws Exception {
        VmConfig config = config("lapic-timer", LAPIC_TIMER, APIC);
        try (hvlab.cpu.GuestMemory ram = new hvlab.cpu.GuestMemory(config.memoryBytes())) {
            byte[] json;
            long expirations;
            try (Vm vm = new Vm(config, b -> { })) {
                vm.boot();
                vm.setClockDrivenExternally(true);
                for (int i = 0; i < 45 && vm.platform().lapic().timerExpirations() < 4; i++) {
                    assertFalse(vm.runSlice(Duration.ofMillis(1)) instanceof SliceResult.Ended, "saved before the end");
                    vm.advanceClock(3_000_000);
                }
                expirations = vm.platform().lapic().timerExpirations();
                assertTrue(expirations >= 4 && expirations < 10, "mid-run: " + expirations);
                hvlab.vmm.state.VmState saved = vm.save();
                json = hvlab.vmm.state.VmStateCodec.encode(saved);
                ram.copyFrom(saved.ram());
            }
            String text = new String(json, StandardCharsets.UTF_8);
            assertTrue(text.contains("\"device\" : \"LocalApic\"") && text.contains("\"device\" : \"IoApic\""), text);
            try (Vm fresh = new Vm(config, b -> { })) {
                fresh.restore(hvlab.vmm.state.VmStateCodec.decode(json, ram));
                assertEquals(expirations, fresh.platform().lapic().timerExpirations());
                SliceResult end = DeviceGuestsTest.runUntil(fresh, v -> false);
                assertEquals(new VmExit.DebugExit(0), assertInstanceOf(SliceResult.Ended.class, end).exit(), fresh.console().text());
                assertTrue(fresh.console().text().endsWith("ten ticks\n"), fresh.console().text());
            }
        }
    }

    @Test
    void withoutTheApicOptionTheSameGuestEndsAtItsFirstStoreToTheApic() {
        VmResult result = TestGuests.run(config("lapic-timer", LAPIC_TIMER, PlatformOptions.DEFAULT));
        assertTrue(result.exit() instanceof VmExit.MemoryFault fault && fault.address() == 0xFEE000F0L, result.exit().describe());
    }

    @Test
    void an8259GuestRunsUnchangedOnAnApicMachineThroughLint0() throws Exception {
        VmConfig ticks = VmConfig.of(GuestImages.resolve("ticks")).withTimeout(Duration.ofSeconds(20)).withPlatform(APIC);
        VmResult result = TestGuests.run(ticks);
        assertTrue(result.serial().contains("200 ticks of a 20 Hz timer: done"), result.serial());
    }

    /** COM1's receive interrupt through the I/O APIC (pin 4, vector 0x24), as xv6's uartinit and ioapicenable set it. */
    static final String IOAPIC_SERIAL = """
            %include "kernel.inc"
            LAPIC  equ 0xFEE00000
            IOAPIC equ 0xFEC00000
            start:  load_kernel_segments
                    set_gate 0x24, uart, 0x8E
                    lidt [idt_descriptor]
                    mov al, 0xFF
                    out 0x21, al
                    out 0xA1, al
                    mov dword [LAPIC + 0xF0], 0x13F
                    mov dword [LAPIC + 0x350], 0x10000
                    mov dword [IOAPIC], 0x10 + 2 * 4    ; redirection entry 4, low: vector 0x24, edge, unmasked
                    mov dword [IOAPIC + 0x10], 0x24
                    mov dword [IOAPIC], 0x11 + 2 * 4    ; high: destination APIC 0
                    mov dword [IOAPIC + 0x10], 0
                    mov dword [IOAPIC], 0x01
                    mov eax, [IOAPIC + 0x10]
                    shr eax, 16
                    and eax, 0xFF
                    call print_unsigned                 ; the maximum redirection entry
                    mov al, 10
                    call putc
                    mov dx, COM1 + 1
                    mov al, 1                           ; IER: received data available
                    out dx, al
                    sti
            .idle:  hlt
                    cmp byte [last], 10
                    jne .idle
                    debug_exit 0
            uart:   push eax
                    push edx
            .more:  mov dx, COM1_LSR
                    in al, dx
                    test al, 1
                    jz .out
                    mov dx, COM1
                    in al, dx
                    mov [last], al
                    call putc
                    jmp .more
            .out:   mov dword [LAPIC + 0xB0], 0
                    pop edx
                    pop eax
                    iretd
            %include "serial.inc"
            last: db 0
            define_gdt
            define_idt
            """;

    @Test
    void comOneInterruptsReachTheGuestThroughTheIoApic() {
        try (Vm vm = new Vm(config("ioapic-serial", IOAPIC_SERIAL, APIC), b -> { })) {
            vm.boot();
            DeviceGuestsTest.runUntil(vm, DeviceGuestsTest.printed("23\n"));
            vm.sendInput("via I/O APIC\n".getBytes(StandardCharsets.US_ASCII));
            SliceResult last = DeviceGuestsTest.runUntil(vm, v -> v.exit() != null);
            assertEquals(new VmExit.DebugExit(0), vm.exit(), last + " " + vm.console().text());
            assertEquals("23\nvia I/O APIC\n", vm.console().text()); // 13 bytes: within the 16-byte FIFO
            assertEquals(0, vm.platform().ioapic().dropped());
        }
    }

    /** mp.c's search: the EBDA from the BDA, "_MP_" on a 16-byte boundary with its checksum, then the PCMP table. */
    static final String MP_SEARCH = """
                    movzx esi, word [0x40E]
                    shl esi, 4
                    lea edi, [esi + 1024]
            .scan:  cmp esi, edi
                    jae fail
                    cmp dword [esi], '_MP_'
                    jne .next
                    mov ecx, 16
                    call sum
                    test al, al
                    jz found
            .next:  add esi, 16
                    jmp .scan
            found:  mov esi, [esi + 4]                  ; the configuration table
                    cmp dword [esi], 'PCMP'
                    jne fail
                    movzx ecx, word [esi + 4]
                    call sum
                    test al, al
                    jnz fail
                    mov eax, [esi + 36]                 ; the local APIC's address
                    call print_hex
                    movzx ecx, word [esi + 34]          ; entries
                    lea ebx, [esi + 44]
            .entry: movzx eax, byte [ebx]
                    inc dword [counts + eax * 4]
                    cmp al, 2
                    jne .small
                    mov eax, [ebx + 4]                  ; the I/O APIC's address
                    mov [ioapic], eax
            .small: add ebx, 8
                    test byte [ebx - 8], 0xFF
                    jnz .more
                    add ebx, 12                         ; a processor entry is 20 bytes
            .more:  loop .entry
                    mov ecx, 5
                    mov esi, counts
            .print: mov al, ' '
                    call putc
                    lodsd
                    call print_unsigned
                    loop .print
                    mov al, ' '
                    call putc
                    mov eax, [ioapic]
                    call print_hex
                    debug_exit 0
            fail:   debug_exit 1
            sum:    push esi                            ; AL = the sum of ECX bytes at ESI
                    xor eax, eax
            .add:   add al, [esi]
                    inc esi
                    loop .add
                    pop esi
                    ret
            %include "serial.inc"
            counts: dd 0, 0, 0, 0, 0
            ioapic: dd 0
            """;

    @Test
    void aGuestFindsTheMpTableWhereXv6LooksAndItsChecksumsHold() {
        VmResult result = TestGuests.run(config("mp-search", MP_SEARCH, APIC));
        assertEquals(new VmExit.DebugExit(0), result.exit(), result.exit().describe() + "; " + result.serial());
        // one processor, one bus, one I/O APIC, 16 I/O interrupt entries (ExtINT and 15 IRQs), two local ones
        assertEquals("FEE00000 1 1 1 16 2 FEC00000", result.serial());
        VmResult plain = TestGuests.run(config("mp-search", MP_SEARCH, PlatformOptions.DEFAULT));
        assertEquals(new VmExit.DebugExit(1), plain.exit(), "no table on a machine without APICs: " + plain.serial());
    }

    /** Odd accesses: an 8-byte load, an unaligned load, a byte store, a garbage IOREGSEL, then a load across the page's end. */
    static final String HOSTILE = """
            LAPIC  equ 0xFEE00000
            IOAPIC equ 0xFEC00000
                    movq mm0, [LAPIC + 0x30]            ; 8 bytes: version and the slot's reserved word
                    movd eax, mm0
                    call print_hex
                    psrlq mm0, 32
                    movd eax, mm0
                    call print_hex
                    mov al, ' '
                    call putc
                    mov eax, [LAPIC + 0x31]             ; unaligned: bytes 1-3 of VER, then byte 0 of 0x34
                    call print_hex
                    mov al, ' '
                    call putc
                    mov byte [LAPIC + 0x80], 0xFF       ; TPR by one byte: ignored
                    mov eax, [LAPIC + 0x80]
                    call print_hex
                    mov al, ' '
                    call putc
                    mov dword [IOAPIC], 0xDEADBEEF      ; IOREGSEL keeps 0xEF: no register
                    mov dword [IOAPIC + 0x10], -1
                    mov eax, [IOAPIC + 0x10]
                    call print_hex
                    mov eax, [LAPIC + 0xFFE]            ; runs into the next page: nothing there
                    debug_exit 0
            %include "serial.inc"
            """;

    @Test
    void hostileAccessesReachTheDevicesOnlyAsAlignedWordsAndTheLastOneEndsTheVm() {
        VmResult result = TestGuests.run(config("mmio-hostile", HOSTILE, APIC));
        assertEquals("0005001400000000 00000500 00000000 00000000", result.serial());
        assertTrue(result.exit() instanceof VmExit.MemoryFault fault && fault.address() == 0xFEE01000L, result.exit().describe());
    }

    /**
     * xv6's console in miniature: the keyboard's IRQ 1 through the I/O APIC (vector 0x21), each
     * scancode printed in hex on COM1 until Enter's break code, then a line on the CGA screen
     * and the cursor after it through the 6845's registers 14 and 15, read back.
     */
    static final String KEYBOARD_CGA = """
            %include "kernel.inc"
            LAPIC  equ 0xFEE00000
            IOAPIC equ 0xFEC00000
            start:  load_kernel_segments
                    set_gate 0x21, kbd, 0x8E
                    lidt [idt_descriptor]
                    mov al, 0xFF
                    out 0x21, al
                    out 0xA1, al
                    mov dword [LAPIC + 0xF0], 0x13F
                    mov dword [LAPIC + 0x350], 0x10000
                    mov dword [IOAPIC], 0x10 + 2 * 1    ; ioapicenable(IRQ_KBD, 0)
                    mov dword [IOAPIC + 0x10], 0x21
                    mov dword [IOAPIC], 0x11 + 2 * 1
                    mov dword [IOAPIC + 0x10], 0
                    mov esi, banner                     ; the screen: "hello, CGA" in light grey
                    mov edi, 0xB8000
                    mov ah, 0x07
            .char:  lodsb
                    test al, al
                    jz .cursor
                    stosw
                    jmp .char
            .cursor:
                    mov dx, 0x3D4                       ; cursor at cell 10
                    mov al, 14
                    out dx, al
                    inc dx
                    mov al, 0
                    out dx, al
                    dec dx
                    mov al, 15
                    out dx, al
                    inc dx
                    mov al, 10
                    out dx, al
                    sti
            .idle:  hlt
                    cmp byte [last], 0x9C               ; Enter released
                    jne .idle
                    debug_exit 0
            kbd:    pushad
            .more:  in al, 0x64
                    test al, 1
                    jz .done
                    in al, 0x60
                    mov [last], al
                    movzx eax, al
                    call print_hex
                    mov al, ' '
                    call putc
                    jmp .more
            .done:  mov dword [LAPIC + 0xB0], 0
                    popad
                    iretd
            %include "serial.inc"
            last:   db 0
            banner: db "hello, CGA", 0
            define_gdt
            define_idt
            """;

    @Test
    void typedTextArrivesAsScancodesOnIrqOneAndTheScreenReadsBack() {
        PlatformOptions platform = APIC.withTypeOnKeyboard(true);
        try (Vm vm = new Vm(config("keyboard-cga", KEYBOARD_CGA, platform), b -> { })) {
            vm.boot();
            DeviceGuestsTest.runUntil(vm, v -> v.waitingForInterrupt());
            vm.sendInput("Hi\n".getBytes(StandardCharsets.US_ASCII));
            DeviceGuestsTest.runUntil(vm, v -> v.exit() != null);
            assertEquals(new VmExit.DebugExit(0), vm.exit(), vm.console().text());
            StringBuilder expected = new StringBuilder();
            for (char c : "Hi\n".toCharArray()) {
                for (byte code : hvlab.vmm.devices.Scancodes.of(c)) expected.append(String.format("%08X ", code & 0xFF));
            }
            assertEquals(expected.toString(), vm.console().text());
            java.util.List<String> screen = vm.platform().cga().screen(vm.ram());
            assertEquals("hello, CGA", screen.getFirst().strip());
            assertEquals(10, vm.platform().cga().cursor());
        }
    }
}
