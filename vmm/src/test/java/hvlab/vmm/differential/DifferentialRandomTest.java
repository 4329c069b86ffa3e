package hvlab.vmm.differential;

import hvlab.vmm.image.GuestImage;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;

import java.io.ByteArrayOutputStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random straight-line programs, run on the bare CPU and under the VMM in bt mode: registers,
 * flags, RAM and the way they end must match. The programs are encoded here as machine code
 * (no NASM: 200 assemblies would be slow) from a small instruction set: ALU and shifts on
 * registers, PUSH/POP, PUSHFD/POPFD, and sensitive instructions (SGDT, SIDT, SMSW, PUSHFD/POPFD
 * with IF and IOPL, MOV from CS/SS, LAR/LSL/VERR/VERW) that only binary translation makes match.
 * Each program ends with CLI and HLT. The CLI is there because of a VMM bug
 * ({@link DifferentialKnownBugsTest#nothingRunsAfterHaltWithInterruptsEnabled}): after a HLT with
 * the virtual IF set, the CPU runs on past the HLT before it stops. IF is still compared,
 * through what PUSHFD stores in registers and on the stack.
 *
 * <p>Left out: RDTSC (the VMM's TSC is virtual and deterministic, the bare CPU's is the host's);
 * SMSW into a 32-bit register (the upper half is undefined, SDM Vol. 2 SMSW, and Unicorn fills
 * it with junk where the VMM stores all of CR0), so SMSW here goes to a 16-bit register or memory;
 * POPFD of a value with TF set (a single-step trap with no IDT ends either run at once).
 */
class DifferentialRandomTest {
    /** Small RAM: each try copies and compares all of it, twice. */
    static final long MEMORY = 2L << 20;
    /** Where SGDT/SIDT/SMSW store: above the image, well below the stack. */
    static final int SCRATCH = 0x180000;
    /** Destinations never include ESP (4): the stack must stay where the program can use it. */
    static final int[] WRITABLE = {0, 1, 2, 3, 5, 6, 7};
    static final String[] NAMES = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
    static final int TF = 1 << 8;

    /** One instruction (or a short fixed sequence): its text, its bytes, and what it does to the stack depth. */
    record Op(String text, byte[] code, int pushes, int pops) {
        @Override
        public String toString() {
            return text;
        }
    }

    @Property(seed = "42", tries = 200, shrinking = ShrinkingMode.BOUNDED)
    void randomProgramsMatchTheBareCpu(@ForAll("programs") List<Op> program) {
        GuestImage image = new GuestImage("random", encode(program));
        DifferentialHarness.Comparison c = DifferentialHarness.compare(image, MEMORY);
        assertEquals("halt", c.reference().exit(), () -> "the reference run did not halt: " + listing(program) + c.report());
        assertTrue(c.same(), () -> listing(program) + c.report());
    }

    /** The program's bytes, with a POP at stack depth 0 turned into a PUSH of the same register (never pop above the top of RAM). */
    static byte[] encode(List<Op> program) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int depth = 0;
        for (Op op : program) {
            if (op.pops() > depth) {
                out.write(0x50 + (op.code()[op.code().length - 1] & 7)); // pop r32 is 58+r, push r32 is 50+r
                depth++;
                continue;
            }
            out.writeBytes(op.code());
            depth += op.pushes() - op.pops();
        }
        out.write(0xFA); // cli: see the class comment
        out.write(0xF4); // hlt
        return out.toByteArray();
    }

    static String listing(List<Op> program) {
        StringBuilder b = new StringBuilder("program:\n");
        for (Op op : program) {
            b.append("    ").append(op.text()).append('\n');
        }
        return b.append("    cli\n    hlt\n").toString();
    }

    @Provide
    Arbitrary<List<Op>> programs() {
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, movImm()),
                net.jqwik.api.Tuple.of(8, alu()),
                net.jqwik.api.Tuple.of(2, incDec()),
                net.jqwik.api.Tuple.of(3, shift()),
                net.jqwik.api.Tuple.of(1, negNot()),
                net.jqwik.api.Tuple.of(2, push()),
                net.jqwik.api.Tuple.of(2, pop()),
                net.jqwik.api.Tuple.of(2, pushfd()),
                net.jqwik.api.Tuple.of(2, popfd()),
                net.jqwik.api.Tuple.of(1, tableStore()),
                net.jqwik.api.Tuple.of(1, smsw()),
                net.jqwik.api.Tuple.of(1, movFromSegment()),
                net.jqwik.api.Tuple.of(1, segmentQuery()));
        return op.list().ofMinSize(1).ofMaxSize(40);
    }

    static Arbitrary<Integer> writable() {
        return Arbitraries.of(0, 1, 2, 3, 5, 6, 7);
    }

    static Arbitrary<Integer> any() {
        return Arbitraries.integers().between(0, 7);
    }

    static Arbitrary<Integer> imm32() {
        return Arbitraries.oneOf(Arbitraries.integers(),
                Arbitraries.of(0, 1, -1, 0x7FFFFFFF, 0x80000000, 0xFF, 0x80, 0xFFFF));
    }

    static Arbitrary<Op> movImm() {
        return Combinators.combine(writable(), imm32()).as((r, v) ->
                new Op(String.format("mov %s, %#x", NAMES[r], v), bytes(0xB8 + r, v & 0xFF, (v >>> 8) & 0xFF, (v >>> 16) & 0xFF, v >>> 24), 0, 0));
    }

    static Arbitrary<Op> alu() {
        String[] names = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};
        int[] opcodes = {0x01, 0x09, 0x11, 0x19, 0x21, 0x29, 0x31, 0x39};
        return Combinators.combine(Arbitraries.integers().between(0, 7), writable(), any()).as((k, dst, src) ->
                new Op(names[k] + " " + NAMES[dst] + ", " + NAMES[src], bytes(opcodes[k], 0xC0 | src << 3 | dst), 0, 0));
    }

    static Arbitrary<Op> incDec() {
        return Combinators.combine(Arbitraries.of(true, false), writable()).as((inc, r) ->
                new Op((inc ? "inc " : "dec ") + NAMES[r], bytes((inc ? 0x40 : 0x48) + r), 0, 0));
    }

    static Arbitrary<Op> shift() {
        String[] names = {"rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"};
        return Combinators.combine(Arbitraries.of(0, 1, 4, 5, 7), writable(), Arbitraries.integers().between(0, 31)).as((n, r, count) ->
                new Op(names[n] + " " + NAMES[r] + ", " + count, bytes(0xC1, 0xC0 | n << 3 | r, count), 0, 0));
    }

    static Arbitrary<Op> negNot() {
        return Combinators.combine(Arbitraries.of(2, 3), writable()).as((n, r) ->
                new Op((n == 3 ? "neg " : "not ") + NAMES[r], bytes(0xF7, 0xC0 | n << 3 | r), 0, 0));
    }

    static Arbitrary<Op> push() {
        return any().map(r -> new Op("push " + NAMES[r], bytes(0x50 + r), 1, 0));
    }

    static Arbitrary<Op> pop() {
        return writable().map(r -> new Op("pop " + NAMES[r], bytes(0x58 + r), 0, 1));
    }

    static Arbitrary<Op> pushfd() {
        return Arbitraries.just(new Op("pushfd", bytes(0x9C), 1, 0));
    }

    /** PUSH imm32 then POPFD: any flags image (IF and IOPL included) but TF. */
    static Arbitrary<Op> popfd() {
        return imm32().map(v -> v & ~TF).map(v ->
                new Op(String.format("push %#x / popfd", v), bytes(0x68, v & 0xFF, (v >>> 8) & 0xFF, (v >>> 16) & 0xFF, v >>> 24, 0x9D), 0, 0));
    }

    /** SGDT or SIDT to the scratch area, then the stored base into a register. */
    static Arbitrary<Op> tableStore() {
        return Combinators.combine(Arbitraries.of(0, 1), Arbitraries.integers().between(0, 7), writable()).as((idt, slot, r) -> {
            int at = SCRATCH + slot * 8;
            byte[] store = bytes(0x0F, 0x01, idt == 1 ? 0x0D : 0x05, at & 0xFF, (at >>> 8) & 0xFF, (at >>> 16) & 0xFF, 0);
            int base = at + 2;
            byte[] load = bytes(0x8B, r << 3 | 5, base & 0xFF, (base >>> 8) & 0xFF, (base >>> 16) & 0xFF, 0);
            return new Op(String.format("%s [%#x] / mov %s, [%#x]", idt == 1 ? "sidt" : "sgdt", at, NAMES[r], base), concat(store, load), 0, 0);
        });
    }

    static Arbitrary<Op> smsw() {
        return Combinators.combine(Arbitraries.of(true, false), writable()).as((memory, r) -> memory
                ? new Op(String.format("smsw [%#x]", SCRATCH + 0x40), bytes(0x0F, 0x01, 0x25, 0x40, SCRATCH >>> 8 & 0xFF, SCRATCH >>> 16 & 0xFF, 0), 0, 0)
                : new Op("smsw " + NAMES[r].substring(1), bytes(0x66, 0x0F, 0x01, 0xE0 | r), 0, 0));
    }

    /** MOV r32, CS / SS (8C /1, 8C /2) or PUSH CS / PUSH SS. */
    static Arbitrary<Op> movFromSegment() {
        return Combinators.combine(Arbitraries.of(1, 2), writable(), Arbitraries.of(true, false)).as((seg, r, push) -> push
                ? new Op(seg == 1 ? "push cs" : "push ss", bytes(seg == 1 ? 0x0E : 0x16), 1, 0)
                : new Op("mov " + NAMES[r] + ", " + (seg == 1 ? "cs" : "ss"), bytes(0x8C, 0xC0 | seg << 3 | r), 0, 0));
    }

    /** MOV ECX, selector, then LAR/LSL r32, ECX or VERR/VERW CX, against the boot GDT of the ABI. */
    static Arbitrary<Op> segmentQuery() {
        String[] names = {"lar", "lsl", "verr", "verw"};
        return Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.of(0, 1, 2, 3, 5, 6, 7),
                Arbitraries.of(0x00, 0x08, 0x0B, 0x10, 0x13, 0x18, 0x1B, 0x20, 0x23, 0x28, 0x500, 0x0C)).as((k, r, sel) -> {
            byte[] load = bytes(0xB9, sel & 0xFF, sel >>> 8 & 0xFF, 0, 0);
            byte[] query = switch (k) {
                case 0 -> bytes(0x0F, 0x02, 0xC0 | (r == 1 ? 0 : r) << 3 | 1);
                case 1 -> bytes(0x0F, 0x03, 0xC0 | (r == 1 ? 0 : r) << 3 | 1);
                case 2 -> bytes(0x0F, 0x00, 0xE1);
                default -> bytes(0x0F, 0x00, 0xE9);
            };
            String target = k < 2 ? NAMES[r == 1 ? 0 : r] + ", ecx" : "cx";
            return new Op(String.format("mov ecx, %#x / %s %s", sel, names[k], target), concat(load, query), 0, 0);
        });
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
