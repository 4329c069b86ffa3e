package hvlab.vmm.bt;

import hvlab.cpu.Disassembler;
import hvlab.cpu.Instruction;
import hvlab.cpu.Operand;
import hvlab.cpu.Register;
import hvlab.cpu.TableRegister;
import hvlab.vmm.VirtualCpu;
import hvlab.vmm.VmExit;
import hvlab.vmm.trap.CodeScanner;
import hvlab.vmm.trap.Emulation;
import hvlab.vmm.trap.GuestState;
import hvlab.vmm.trap.WatchedInstructionHandler;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code bt} mode's translator: it makes x86 classically virtualizable after all, by finding
 * every sensitive-but-unprivileged instruction ({@link SensitiveInstructions}) before it runs
 * and emulating it against the {@link VirtualCpu} instead of letting it read real state.
 *
 * <p>VMware's monitor did this by translating guest kernel code into a translation cache, where
 * most instructions are copied unchanged ("IDENT") and the sensitive ones become calls into the
 * monitor (Adams and Agesen, ASPLOS 2006). Unicorn already translates every block it runs, so
 * hvlab instruments that translation instead: the VMM asks the CPU to stop just before each site
 * (a code hook on exactly one address, free everywhere else), this class does what the
 * instruction would have done on a real ring-0 CPU, and EIP moves past it. The guest's bytes are
 * never patched, so a guest that checksums or reads its own code sees nothing changed.
 *
 * <p>The side table maps each site's address to its decoded instruction, so a trap costs a map
 * lookup, not a decode.
 */
public final class BinaryTranslator implements WatchedInstructionHandler {
    private final VirtualCpu vcpu;
    private final CodeScanner scanner;
    private final Map<Long, Instruction> sites = new HashMap<>();
    private final FlagsInstructions flags;
    private final SegmentQueries queries;

    /** @param disassembler decodes the guest code {@link #findSites} scans; the caller owns and closes it */
    public BinaryTranslator(VirtualCpu vcpu, Disassembler disassembler) {
        this.vcpu = vcpu;
        this.scanner = new CodeScanner(disassembler);
        this.flags = new FlagsInstructions(vcpu);
        this.queries = new SegmentQueries(vcpu, new GuestDescriptors(vcpu));
    }

    /**
     * Scans {@code code}, loaded at {@code address}, and records every sensitive instruction in
     * it. Returns those not already recorded: the sites the CPU must now be told to watch.
     */
    public List<Instruction> findSites(byte[] code, long address) {
        List<Instruction> found = new ArrayList<>();
        for (Instruction insn : scanner.scan(code, address, SensitiveInstructions::isSensitive)) {
            if (sites.putIfAbsent(insn.address(), insn) == null) {
                found.add(insn);
            }
        }
        return found;
    }

    /** Forgets the sites in [{@code from}, {@code to}) (their code was rewritten); returns their addresses. */
    public List<Long> forgetSites(long from, long to) {
        List<Long> gone = new ArrayList<>();
        sites.keySet().removeIf(eip -> {
            boolean inside = eip >= from && eip < to;
            if (inside) gone.add(eip);
            return inside;
        });
        return gone;
    }

    /** Every recorded site, by address. */
    public Map<Long, Instruction> sites() {
        return Collections.unmodifiableMap(sites);
    }

    public boolean isSite(long eip) {
        return sites.containsKey(eip);
    }

    @Override
    public Emulation onWatched(long eip, GuestState state) {
        Instruction insn = sites.get(eip);
        if (insn == null) {
            return new Emulation.Exit(new VmExit.CpuError(String.format("no translated instruction at %#x", eip)));
        }
        if (!unchanged(insn, state)) {
            // A real translator write-protects the pages it translated and drops the translation
            // when the guest writes them; this one only notices, and refuses to guess.
            return new Emulation.Exit(new VmExit.NotEmulated(
                    "'" + insn.text() + "' was rewritten after it was translated (self-modifying code)", eip));
        }
        return emulate(insn, state);
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
        long address = GuestOperands.effectiveAddress((Operand.Mem) insn.operand(0), state);
        state.write(address, 2, table.limit());
        state.write(address + 2, 4, (int) table.base());
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
    private static boolean unchanged(Instruction insn, GuestState state) {
        byte[] bytes = insn.bytes();
        for (int i = 0; i < bytes.length; i++) {
            if ((byte) state.read(insn.address() + i, 1) != bytes[i]) return false;
        }
        return true;
    }
}
