package hvlab.cpu.unicorn;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * APIC virtualization, done the way an emulator can: one device register whose reads the CPU
 * answers itself, from a value the VMM keeps current, with no trap (see
 * {@link hvlab.cpu.CpuBackend#answerReads}).
 *
 * <h2>Why</h2>
 * xv6's {@code mycpu()} reads the local APIC's ID register on every call (every spinlock's
 * {@code pushcli}, every {@code myproc}): two thirds of all its VM exits, 95 million during
 * usertests, each a trip from the emulator into the VMM's Java for a value that never changes.
 * Intel's answer in hardware is the virtual-APIC page of APICv: reads of such registers are
 * served from memory the VMM keeps, and only writes (and a few reads) exit.
 *
 * <h2>How</h2>
 * Every device range is mapped with {@code uc_mmio_map}, whose read callback here is not the
 * Java upcall but a few machine instructions in front of it. They compute the device address
 * of the access; if it is the answered register, read whole (4 bytes), they count it and
 * return the value from the cell; otherwise they tail-call the Java callback with the mapping's
 * device address as its user data, exactly as if Unicorn had called it:
 * <pre>
 *   ; uint64_t on_read(uc_engine *uc, uint64_t offset, unsigned size, Mapping *m)
 *   ;   SysV AMD64: rdi = uc, rsi = offset, edx = size, rcx = m
 *   ;   Mapping: +0 the Java read callback, +8 the mapping's device address, +16 the cell
 *   ;   Cell: +0 the answered register's device address (-1: none), +8 its value, +16 reads answered
 *       mov  rax, [rcx + 16]      ; 48 8B 41 10
 *       mov  r8, [rcx + 8]        ; 4C 8B 41 08
 *       add  r8, rsi              ; 49 01 F0      the device address read
 *       cmp  r8, [rax]            ; 4C 3B 00
 *       jne  .trap                ; 75 0D
 *       cmp  edx, 4               ; 83 FA 04      the whole register only
 *       jne  .trap                ; 75 08
 *       inc  qword [rax + 16]     ; 48 FF 40 10
 *       mov  eax, [rax + 8]       ; 8B 40 08
 *       ret                       ; C3
 *   .trap:
 *       mov  r9, [rcx]            ; 4C 8B 09
 *       mov  rcx, [rcx + 8]       ; 48 8B 49 08   the callback's user data: the device address
 *       jmp  r9                   ; 41 FF E1
 * </pre>
 * The value changes only when the VMM says so (the guest wrote the register, a restore), with
 * the CPU stopped or inside a trap on the CPU's own thread, so the stub never sees half of it.
 */
final class AnsweredReads {
    private static final byte[] CODE = {
        0x48, (byte) 0x8B, 0x41, 0x10, 0x4C, (byte) 0x8B, 0x41, 0x08, 0x49, 0x01, (byte) 0xF0, 0x4C,
        0x3B, 0x00, 0x75, 0x0D, (byte) 0x83, (byte) 0xFA, 0x04, 0x75, 0x08, 0x48, (byte) 0xFF, 0x40,
        0x10, (byte) 0x8B, 0x40, 0x08, (byte) 0xC3, 0x4C, (byte) 0x8B, 0x09, 0x48, (byte) 0x8B, 0x49, 0x08,
        0x41, (byte) 0xFF, (byte) 0xE1
    };
    private static final long ADDRESS = 0, VALUE = 8, ANSWERED = 16;

    private final UnicornEngine engine;
    private final MemorySegment javaRead;
    private final MemorySegment cell;

    AnsweredReads(UnicornEngine engine, MemorySegment javaRead) {
        this.engine = engine;
        this.javaRead = javaRead;
        this.cell = engine.arena().allocate(24, 8);
        cell.set(ValueLayout.JAVA_LONG, ADDRESS, -1L);
    }

    /** The read callback for {@code uc_mmio_map}: the stub. */
    static MemorySegment callback() {
        return Stub.ADDRESS;
    }

    /** The executable copy of the code, made when first asked for, once per process (the JVM's lazy class initialization). */
    private static final class Stub {
        static final MemorySegment ADDRESS = MachineCode.executable(CODE, "answered-read stub");
    }

    /** The callback's user data for a range mapped at device address {@code deviceAddress}. */
    MemorySegment mapping(long deviceAddress) {
        MemorySegment mapping = engine.arena().allocate(24, 8);
        mapping.set(ValueLayout.JAVA_LONG, 0, javaRead.address());
        mapping.set(ValueLayout.JAVA_LONG, 8, deviceAddress);
        mapping.set(ValueLayout.JAVA_LONG, 16, cell.address());
        return mapping;
    }

    /** Reads of the 4 bytes at {@code deviceAddress} are answered {@code value} from now on; -1 answers none. */
    void answer(long deviceAddress, int value) {
        cell.set(ValueLayout.JAVA_LONG, VALUE, Integer.toUnsignedLong(value));
        cell.set(ValueLayout.JAVA_LONG, ADDRESS, deviceAddress);
    }

    long answered() {
        return cell.get(ValueLayout.JAVA_LONG, ANSWERED);
    }
}
