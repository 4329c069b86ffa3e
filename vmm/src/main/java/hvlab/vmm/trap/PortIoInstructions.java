package hvlab.vmm.trap;

import hvlab.cpu.Instruction;
import hvlab.cpu.Operand;
import hvlab.cpu.Register;
import hvlab.vmm.ExceptionNames;
import hvlab.vmm.VirtualCpu;
import hvlab.vmm.devices.IoBus;

/**
 * IN, OUT, INS and OUTS (with REP), emulated at an exact instruction boundary.
 *
 * <p>Why the VMM emulates port I/O itself rather than let Unicorn call an I/O hook in the middle
 * of a translated block: inside such a hook the emulator's EIP still points at the start of the
 * block, and if the CPU stops there (a time slice ends, the guest must be preempted) it resumes
 * from that stale EIP and runs part of the block twice. The VMM therefore finds the guest's I/O
 * instructions before their blocks run and has the CPU stop just before each one; this class
 * then does what the instruction would have done and moves EIP past it. It is the classic way
 * VMMs handle port I/O: every access is an exit (Intel SDM Vol. 3C, 27.2.1, "I/O instruction"
 * exits), and the device model answers.
 *
 * <p>Protection as on real hardware: with CPL above IOPL the CPU consults the TSS I/O bitmap
 * ({@link IoPermission}); a denied access raises #GP(0) before anything happens.
 *
 * <p>A REP string instruction is done in chunks of at most {@link #MAX_ELEMENTS_PER_EXIT}
 * elements: ECX, ESI and EDI are brought up to date and EIP stays on the instruction, which the
 * CPU meets again. That is what a real CPU does when an interrupt arrives in the middle of a REP
 * (SDM Vol. 2, REP: "the repeating instruction can be interrupted"), and it keeps every exit
 * short: a guest asking for a billion bytes cannot hold the VMM past the end of its time slice.
 */
public final class PortIoInstructions {
    /** The most elements one exit moves; the rest are done on later exits. */
    public static final int MAX_ELEMENTS_PER_EXIT = 4096;
    private static final int DIRECTION_FLAG = 1 << 10;

    private final IoBus io;
    private final IoPermission permission;

    public PortIoInstructions(VirtualCpu vcpu, IoBus io) {
        this.io = io;
        this.permission = new IoPermission(vcpu);
    }

    public static boolean isPortIo(Instruction insn) {
        String m = baseMnemonic(insn);
        return m.equals("in") || m.equals("out") || m.startsWith("ins") || m.startsWith("outs");
    }

    public Emulation emulate(Instruction insn, GuestState state) {
        String m = baseMnemonic(insn);
        switch (m) {
            case "in" -> {
                Operand.Reg target = (Operand.Reg) insn.operand(0);
                int port = port(insn.operand(1), state);
                if (!permission.allowed(port, target.size(), state)) return denied(insn);
                state.setRegister(target.register(), io.read(port, target.size()));
            }
            case "out" -> {
                Operand.Reg source = (Operand.Reg) insn.operand(1);
                int port = port(insn.operand(0), state);
                if (!permission.allowed(port, source.size(), state)) return denied(insn);
                io.write(port, source.size(), state.register(source.register()));
            }
            default -> {
                return string(insn, m, insn.mnemonic().startsWith("rep"), state);
            }
        }
        return new Emulation.Resume(insn.nextAddress());
    }

    /**
     * The element size from the bytes, not the mnemonic: 6C/6E move bytes, 6D/6F words with an
     * operand-size prefix (0x66) and doublewords without, wherever the prefix stands among the
     * others. Capstone 4 names {@code 66 f3 6d} (the order GNU as emits for {@code rep insw}) "rep
     * insd", and taking its word for it wrote 4 bytes per word (found by hvos's disk driver).
     */
    static int elementSize(Instruction insn) {
        byte[] bytes = insn.bytes();
        boolean operandSize16 = false;
        for (byte b : bytes) {
            int v = b & 0xFF;
            if (v == 0x66) {
                operandSize16 = true;
            } else if (v == 0x6C || v == 0x6E) {
                return 1;
            } else if (v == 0x6D || v == 0x6F) {
                return operandSize16 ? 2 : 4;
            }
        }
        String mnemonic = insn.mnemonic();
        return switch (mnemonic.charAt(mnemonic.length() - 1)) { // not reached for INS/OUTS; kept as a fallback
            case 'b' -> 1;
            case 'w' -> 2;
            default -> 4;
        };
    }

    /** INS reads the port into ES:[EDI]; OUTS writes DS:[ESI] (or another segment, by prefix) to the port. */
    private Emulation string(Instruction insn, String mnemonic, boolean repeat, GuestState state) {
        boolean input = mnemonic.startsWith("ins");
        int size = elementSize(insn);
        int port = state.register(Register.DX) & 0xFFFF;
        if (!permission.allowed(port, size, state)) {
            return denied(insn);
        }
        int step = (state.register(Register.EFLAGS) & DIRECTION_FLAG) != 0 ? -size : size;
        Register pointer = input ? Register.EDI : Register.ESI;
        Register segment = input ? Register.ES : sourceSegment(insn);
        long remaining = repeat ? Integer.toUnsignedLong(state.register(Register.ECX)) : 1;
        long count = Math.min(remaining, MAX_ELEMENTS_PER_EXIT);
        int address = state.register(pointer);
        try {
            for (long i = 0; i < count; i++) {
                long offset = Integer.toUnsignedLong(address);
                if (input) {
                    // The segment is checked before the port is read: a refused store reads nothing.
                    long linear = state.linear(segment, offset, size, true);
                    state.write(linear, size, io.read(port, size));
                } else {
                    io.write(port, size, state.read(segment, offset, size));
                }
                address += step;
                remaining--;
            }
        } finally {
            // Whatever happened, the registers say how far the instruction got, as on hardware.
            state.setRegister(pointer, address);
            if (repeat) {
                state.setRegister(Register.ECX, (int) remaining);
            }
        }
        return new Emulation.Resume(repeat && remaining > 0 ? insn.address() : insn.nextAddress());
    }

    /** OUTS reads through DS unless a segment-override prefix names another register. */
    private static Register sourceSegment(Instruction insn) {
        for (byte b : insn.bytes()) {
            switch (b & 0xFF) {
                case 0x26: return Register.ES;
                case 0x2E: return Register.CS;
                case 0x36: return Register.SS;
                case 0x3E: return Register.DS;
                case 0x64: return Register.FS;
                case 0x65: return Register.GS;
                default: break;
            }
        }
        return Register.DS;
    }

    private static Emulation denied(Instruction insn) {
        return new Emulation.Raise(ExceptionNames.GENERAL_PROTECTION, 0, insn.address());
    }

    private static int port(Operand operand, GuestState state) {
        return switch (operand) {
            case Operand.Imm imm -> (int) imm.value() & 0xFF;
            case Operand.Reg reg -> state.register(reg.register()) & 0xFFFF;
            case Operand.Mem mem -> throw new IllegalArgumentException("a port is never a memory operand");
        };
    }

    static String baseMnemonic(Instruction insn) {
        String m = insn.mnemonic();
        int space = m.lastIndexOf(' ');
        return space < 0 ? m : m.substring(space + 1);
    }
}
