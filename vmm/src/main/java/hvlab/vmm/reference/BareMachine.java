package hvlab.vmm.reference;

import hvlab.cpu.GuestMemory;
import hvlab.cpu.Protection;
import hvlab.cpu.Register;
import hvlab.cpu.TableRegister;
import hvlab.cpu.unicorn.BareCpu;
import hvlab.vmm.boot.BootLayout;
import hvlab.vmm.boot.SegmentDescriptor;
import hvlab.vmm.image.GuestImage;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A guest on the bare CPU: real CPL 0, no VMM, no devices but COM1's transmitter and the
 * debug-exit port. What "a real machine would have done", for the differential tests and for the
 * classroom's graders (a red pill must say "no hypervisor" here). Entered as the guest ABI says
 * (image at 1 MiB, flat segments, ESP at the top of RAM, EBX = RAM size), with the boot GDT
 * written into RAM at 0 (the VMM keeps its own elsewhere) and the IDTR at its reset value.
 */
public final class BareMachine {
    static final int COM1 = 0x3F8;
    static final int COM1_LSR = 0x3FD;
    static final int DEBUG_EXIT = 0xF4;
    /** LSR: transmitter ready (THRE and TEMT), as the VMM's 16550 says. */
    static final int LSR_READY = 0x60;
    /** Guest-physical 0..39: the boot GDT, which the VMM describes without writing RAM. */
    public static final int BOOT_GDT_BYTES = 5 * 8;

    /** What a run left: its serial output, how it ended, the registers and all of RAM. */
    public record Run(String serial, String exit, Map<String, Integer> registers, int eflags, byte[] ram) {}

    private BareMachine() {}

    public static Run run(GuestImage image, long memoryBytes, Duration timeout) {
        ByteArrayOutputStream serial = new ByteArrayOutputStream();
        int[] exitValue = {-1};
        try (GuestMemory ram = new GuestMemory(memoryBytes); BareCpu cpu = new BareCpu()) {
            ram.write(BootLayout.GUEST_LOAD_ADDRESS, image.code());
            long[] gdt = bootGdt();
            for (int i = 0; i < gdt.length; i++) {
                ram.write32(i * 8L, (int) gdt[i]);
                ram.write32(i * 8L + 4, (int) (gdt[i] >>> 32));
            }
            cpu.map(0, ram, Protection.ALL);
            cpu.write(TableRegister.GDTR, TableRegister.Value.of(0, 0xFFFF));
            cpu.write(TableRegister.IDTR, TableRegister.Value.of(0, 0x3FF));
            cpu.write(Register.SS, BootLayout.GUEST_KERNEL_DATA);
            for (Register segment : new Register[] {Register.DS, Register.ES, Register.FS, Register.GS}) {
                cpu.write(segment, BootLayout.GUEST_KERNEL_DATA);
            }
            cpu.write(Register.CS, BootLayout.GUEST_KERNEL_CODE);
            cpu.write(Register.ESP, (int) memoryBytes);
            cpu.write(Register.EBX, (int) memoryBytes);
            cpu.onPortOut((port, size, value) -> {
                if (port == COM1) {
                    serial.write(value & 0xFF);
                } else if (port == DEBUG_EXIT) {
                    exitValue[0] = value & 0xFF;
                    cpu.requestStop();
                }
            });
            cpu.onPortIn((port, size) -> port == COM1_LSR ? LSR_READY : allOnes(size));
            BareCpu.Run run = cpu.runUntilHalt(BootLayout.GUEST_LOAD_ADDRESS, timeout);
            String exit = switch (run.ending()) {
                case STOPPED -> exitValue[0] >= 0 ? "debug-exit " + exitValue[0] : "stopped: " + run.detail();
                case HALTED -> "halt";
                case TIMED_OUT -> "timeout";
                default -> String.format("cpu-error at %#x: %s", run.eip(), run.detail());
            };
            Map<String, Integer> registers = new LinkedHashMap<>();
            for (Register r : Register.GENERAL_32) {
                registers.put(r.name(), cpu.read(r));
            }
            return new Run(serial.toString(StandardCharsets.ISO_8859_1), exit, registers, cpu.read(Register.EFLAGS),
                    ram.read(0, (int) memoryBytes));
        }
    }

    private static long[] bootGdt() {
        long[] gdt = new long[5];
        gdt[BootLayout.GUEST_KERNEL_CODE >> 3] = SegmentDescriptor.flat(true, 0).encode();
        gdt[BootLayout.GUEST_KERNEL_DATA >> 3] = SegmentDescriptor.flat(false, 0).encode();
        gdt[BootLayout.GUEST_USER_CODE >> 3] = SegmentDescriptor.flat(true, 3).encode();
        gdt[BootLayout.GUEST_USER_DATA >> 3] = SegmentDescriptor.flat(false, 3).encode();
        return gdt;
    }

    private static int allOnes(int size) {
        return size >= 4 ? 0xFFFFFFFF : (1 << (8 * size)) - 1;
    }
}
