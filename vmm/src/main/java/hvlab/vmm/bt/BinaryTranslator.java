package hvlab.vmm.bt;

import hvlab.cpu.Disassembler;
import hvlab.cpu.Instruction;
import hvlab.cpu.Operand;
import hvlab.cpu.Register;
import hvlab.cpu.TableRegister;
import hvlab.vmm.VirtualCpu;
import hvlab.vmm.VmExit;
import hvlab.vmm.boot.BootLayout;
import hvlab.vmm.trap.CodeScanner;
import hvlab.vmm.trap.Emulation;
import hvlab.vmm.trap.GuestState;
import hvlab.vmm.trap.PortIoInstructions;
import hvlab.vmm.trap.WatchedInstructionHandler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code bt} mode's translator: it makes x86 classically virtualizable after all, by finding
 * every sensitive-but-unprivileged instruction ({@link SensitiveInstructions}) before it runs
 * and emulating it against the {@link VirtualCpu} instead of letting it read real state.
 *
 * <p>VMware's monitor did this by translating guest kernel code into a translation cache, where
 * most instructions are copied unchanged ("IDENT") and the sensitive ones become calls into the
 * monitor (Adams and Agesen, ASPLOS 2006). Unicorn already translates every block it runs, so
 * hvlab instruments that translation instead: each time the CPU translates a block of guest code,
 * and before the block first runs, the VMM decodes it ({@link #findSites}); the CPU then stops
 * just before each site found (a code hook on exactly one address, free everywhere else), this
 * class does what the instruction would have done on a real ring-0 CPU, and EIP moves past it.
 * Because the scan follows translation, it sees exactly the code that runs, from wherever it
 * is reached: code outside the image, code the guest wrote itself, code hidden behind data that
 * a linear sweep of the image would misread. Code the guest rewrites is translated again, and
 * so scanned again. The guest's bytes are never patched, so a guest that checksums or reads its
 * own code sees nothing changed.
 *
 * <p>Three kinds of site are watched: the sensitive instructions, port I/O (emulated at an exact
 * boundary, see {@link hvlab.vmm.trap.PortIoInstructions}), and IRET, which Unicorn executes at
 * CPL 3 without the privilege checks of a real CPU (it enters virtual-8086 mode when asked).
 *
 * <p>The side table maps each site's address to its decoded instruction, so a trap costs a map
 * lookup, not a decode.
 */
public final class BinaryTranslator implements WatchedInstructionHandler {
    /** What the VMM does at a watched site. */
    public enum SiteKind { SENSITIVE, PORT_IO, IRET }

    /** One watched instruction. */
    public record Site(Instruction instruction, SiteKind kind) {}

    private final VirtualCpu vcpu;
    private final CodeScanner scanner;
    private final Disassembler disassembler;
    private final Map<Long, Site> sites = new HashMap<>();
    private final FlagsInstructions flags;
    private final SegmentQueries queries;

    /** @param disassembler decodes the guest code {@link #findSites} scans; the caller owns and closes it */
    public BinaryTranslator(VirtualCpu vcpu, Disassembler disassembler) {
        this.vcpu = vcpu;
        this.scanner = new CodeScanner(disassembler);
        this.disassembler = disassembler;
        this.flags = new FlagsInstructions(vcpu);
        this.queries = new SegmentQueries(vcpu, new GuestDescriptors(vcpu));
    }

    /** The kind of site {@code insn} is, or null if it runs natively. */
    public static SiteKind kindOf(Instruction insn) {
        if (SensitiveInstructions.isSensitive(insn)) return SiteKind.SENSITIVE;
        if (PortIoInstructions.isPortIo(insn)) return SiteKind.PORT_IO;
        if (insn.mnemonic().equals("iretd") || insn.mnemonic().equals("iret")) return SiteKind.IRET;
        return null;
    }

    /**
     * Scans {@code code}, loaded at {@code address} (a block about to run), and records every
     * instruction to watch in it. Returns those not already recorded: the sites the CPU must now
     * be told to watch.
     */
    public List<Instruction> findSites(byte[] code, long address) {
        List<Instruction> found = new ArrayList<>();
        for (Instruction insn : scanner.scan(code, address, i -> kindOf(i) != null)) {
            Site site = new Site(insn, kindOf(insn));
            Site known = sites.get(insn.address());
            if (known == null || !Arrays.equals(known.instruction().bytes(), insn.bytes())) {
                if (known == null) {
                    found.add(insn);
                }
                sites.put(insn.address(), site);
            }
        }
        return found;
    }

    /**
     * Records the one instruction at the start of {@code code} (at {@code eip}) as a site, if it is
     * one: for a restored VM, whose watched addresses are known but not their decodings.
     */
    public boolean rememberSite(byte[] code, long eip) {
        Instruction insn = disassembler.decode(code, eip);
        SiteKind kind = insn == null ? null : kindOf(insn);
        if (kind != null) {
            sites.put(eip, new Site(insn, kind));
        }
        return kind != null;
    }

    /** Forgets the site at {@code eip} (its code was rewritten into something that runs natively). */
    public void forgetSite(long eip) {
        sites.remove(eip);
    }

    /** What the CPU must be told before the guest goes on: addresses to start and to stop watching. */
    public record Instrumentation(List<Long> watch, List<Long> unwatch) {
        public boolean isEmpty() {
            return watch.isEmpty() && unwatch.isEmpty();
        }
    }

    /**
     * To watch before anything else: the IRETD of the VMM's own trampoline. The guest may execute
     * that page (the CPU runs it at ring 0 to enter the guest, and without paging there is no
     * user/supervisor bit to keep the guest out), so a guest could IRET from there, outside guest
     * RAM where no block is scanned, and Unicorn would do it without a real CPU's checks. The
     * dispatcher lets the VMM's own entry through and emulates the guest's use like any IRET.
     */
    private final List<Long> toWatch = new ArrayList<>(List.of(BootLayout.TRAMPOLINE));
    private final List<Long> toUnwatch = new ArrayList<>();

    /**
     * A block of {@code code} at {@code address} was translated and is about to run: finds its new
     * sites and queues them for watching. True when the CPU must stop and watch them first.
     */
    public boolean scanBlock(byte[] code, long address) {
        for (Instruction insn : findSites(code, address)) {
            toWatch.add(insn.address());
        }
        return !toWatch.isEmpty();
    }

    /** The site at {@code eip} was rewritten into something that runs natively: queue it to be unwatched. */
    public void retire(long eip) {
        forgetSite(eip);
        toWatch.remove(eip);
        toUnwatch.add(eip);
    }

    /** The queued changes, emptied. */
    public Instrumentation takeInstrumentation() {
        Instrumentation pending = new Instrumentation(List.copyOf(toWatch), List.copyOf(toUnwatch));
        toWatch.clear();
        toUnwatch.clear();
        return pending;
    }

    /** Every recorded sensitive-instruction site, by address. */
    public Map<Long, Instruction> sites() {
        Map<Long, Instruction> sensitive = new TreeMap<>();
        sites.forEach((eip, site) -> {
            if (site.kind() == SiteKind.SENSITIVE) sensitive.put(eip, site.instruction());
        });
        return Collections.unmodifiableMap(sensitive);
    }

    /** The site at {@code eip}, or null. */
    public Site site(long eip) {
        return sites.get(eip);
    }

    public boolean isSite(long eip) {
        return sites.containsKey(eip);
    }

    /** Every watched address, of any kind (to watch them again in a restored VM). */
    public List<Long> watchedAddresses() {
        return List.copyOf(new TreeMap<>(sites).keySet());
    }

    /**
     * The watched instruction at {@code eip} is about to run. If the guest has rewritten it since
     * it was scanned, the site is looked at afresh: a new watched instruction replaces the old
     * one, anything else is {@link Emulation.Retranslate}d (the VMM stops watching and lets it
     * run natively). Otherwise a sensitive instruction is emulated here; the caller handles the
     * other kinds.
     */
    @Override
    public Emulation onWatched(long eip, GuestState state) {
        Site site = sites.get(eip);
        if (site == null) {
            return new Emulation.Exit(new VmExit.CpuError(String.format("no translated instruction at %#x", eip)));
        }
        if (!unchanged(site.instruction(), state)) {
            return new Emulation.Retranslate(eip);
        }
        return emulate(site.instruction(), state);
    }

    /** Does what {@code insn} would do on a real CPU running the guest kernel at its virtual CPL. */
    Emulation emulate(Instruction insn, GuestState state) {
        return switch (insn.mnemonic()) {
            case "sgdt" -> storeTableRegister(insn, vcpu.gdtr(), state);
            case "sidt" -> storeTableRegister(insn, vcpu.idtr(), state);
            case "sldt" -> storeSelector(insn, vcpu.ldtSelector(), state);
            case "str" -> storeSelector(insn, vcpu.taskSelector(), state);
            case "smsw" -> storeMachineStatusWord(insn, state);
            case "pushf", "pushfd", "pushfw" -> flags.pushFlags(insn, state);
            case "popf", "popfd", "popfw" -> flags.popFlags(insn, state);
            case "lar", "lsl", "verr", "verw" -> queries.emulate(insn, state);
            case "mov" -> storeSelector(insn, guestSelector(insn.operand(1), state), state);
            case "push" -> pushSelector(insn, guestSelector(insn.operand(0), state), state);
            default -> new Emulation.Exit(new VmExit.NotEmulated(insn.text(), insn.address()));
        };
    }

    /** SGDT and SIDT store a 6-byte pseudo-descriptor: the 16-bit limit, then the 32-bit base. */
    private static Emulation storeTableRegister(Instruction insn, TableRegister.Value table, GuestState state) {
        Operand.Mem mem = (Operand.Mem) insn.operand(0);
        long address = GuestOperands.effectiveAddress(mem, state);
        Register segment = hvlab.vmm.trap.Operands.segmentOf(mem);
        // The processor checks all six bytes before it stores any (a limit fault leaves memory alone).
        state.linear(segment, address, 6, true);
        state.write(segment, address, 2, table.limit());
        state.write(segment, address + 2, 4, (int) table.base());
        return new Emulation.Resume(insn.nextAddress());
    }

    private static Emulation storeSelector(Instruction insn, int selector, GuestState state) {
        GuestOperands.writeSelector(insn.operand(0), selector, state);
        return new Emulation.Resume(insn.nextAddress());
    }

    /**
     * SMSW stores CR0's low word (PE, MP, EM, TS, ET, NE) into memory or a 16-bit register. Into a
     * 32-bit register the SDM leaves the high half undefined; processors, and Unicorn, store all
     * of CR0, so this does too, from the virtual CR0.
     */
    private Emulation storeMachineStatusWord(Instruction insn, GuestState state) {
        GuestOperands.write(insn.operand(0), vcpu.cr0(), state, 2);
        return new Emulation.Resume(insn.nextAddress());
    }

    /**
     * The selector the guest expects in CS or SS. The real one always has RPL 3 (the real CPL);
     * on the CPU the guest believes it has, RPL equals its current privilege level.
     */
    private int guestSelector(Operand segment, GuestState state) {
        Register register = ((Operand.Reg) segment).register();
        return (state.register(register) & 0xFFFC) | vcpu.privilegeLevel();
    }

    /** PUSH CS/SS: with a 32-bit operand size the selector is pushed zero-extended, as Unicorn does. */
    private static Emulation pushSelector(Instruction insn, int selector, GuestState state) {
        GuestOperands.push(state, hasOperandSizePrefix(insn) ? 2 : 4, selector);
        return new Emulation.Resume(insn.nextAddress());
    }

    private static boolean hasOperandSizePrefix(Instruction insn) {
        byte[] bytes = insn.bytes();
        for (int i = 0; i < bytes.length - 1; i++) {
            if (bytes[i] == 0x66) return true;
        }
        return false;
    }

    /** Are the guest's bytes at the site still the ones that were decoded? */
    public static boolean unchanged(Instruction insn, GuestState state) {
        byte[] bytes = insn.bytes();
        for (int i = 0; i < bytes.length; i++) {
            if ((byte) state.read(insn.address() + i, 1) != bytes[i]) return false;
        }
        return true;
    }
}
