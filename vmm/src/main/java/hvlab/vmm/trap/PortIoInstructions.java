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
 * instructions in advance (see {@link CodeScanner}) and has the CPU stop just before each one;
 * this class then does what the instruction would have done and moves EIP past it. It is the
 * classic way VMMs handle port I/O: every access is an exit (Intel SDM Vol. 3C, 27.2.1, "I/O
 * instruction" exits), and the device model answers.
 *
 * <p>Protection as on real hardware: with CPL above IOPL the CPU consults the TSS I/O bitmap
 * (SDM Vol. 1, 19.5.2); our guests have none, so such an access raises #GP.
 */
public final class PortIoInstructions {
    private static final int DIRECTION_FLAG = 1 << 10;

    private final VirtualCpu vcpu;
    private final IoBus io;

    public PortIoInstructions(VirtualCpu vcpu, IoBus io) {
        this.vcpu = vcpu;
        this.io = io;
    }

    public static boolean isPortIo(Instruction insn) {
        String m = baseMnemonic(insn);
        return m.equals("in") || m.equals("out") || m.startsWith("ins") || m.startsWith("outs");
    }

    public Emulation emulate(Instruction insn, GuestState state) {
        if (vcpu.privilegeLevel() > vcpu.iopl()) {
            return new Emulation.Raise(ExceptionNames.GENERAL_PROTECTION, 0, insn.address());
        }
        String m = baseMnemonic(insn);
        switch (m) {
            case "in" -> {
                Operand.Reg target = (Operand.Reg) insn.operand(0);
                state.setRegister(target.register(), io.read(port(insn.operand(1), state), target.size()));
            }
            case "out" -> {
                Operand.Reg source = (Operand.Reg) insn.operand(1);
                io.write(port(insn.operand(0), state), source.size(), state.register(source.register()));
            }
            default -> string(m, insn.mnemonic().startsWith("rep"), state);
        }
        return new Emulation.Resume(insn.nextAddress());
    }

    /** INS reads the port into ES:[EDI]; OUTS writes DS:[ESI] to the port; REP repeats ECX times. */
    private void string(String mnemonic, boolean repeat, GuestState state) {
        boolean input = mnemonic.startsWith("ins");
        int size = switch (mnemonic.charAt(mnemonic.length() - 1)) {
            case 'b' -> 1;
            case 'w' -> 2;
            default -> 4;
        };
        int step = (state.register(Register.EFLAGS) & DIRECTION_FLAG) != 0 ? -size : size;
        int port = state.register(Register.DX) & 0xFFFF;
        Register pointer = input ? Register.EDI : Register.ESI;
        long count = repeat ? Integer.toUnsignedLong(state.register(Register.ECX)) : 1;
        int address = state.register(pointer);
        for (long i = 0; i < count; i++) {
            if (input) {
                state.write(Integer.toUnsignedLong(address), size, io.read(port, size));
            } else {
                io.write(port, size, state.read(Integer.toUnsignedLong(address), size));
            }
            address += step;
        }
        state.setRegister(pointer, address);
        if (repeat) {
            state.setRegister(Register.ECX, 0);
        }
    }

    private static int port(Operand operand, GuestState state) {
        return switch (operand) {
            case Operand.Imm imm -> (int) imm.value() & 0xFF;
            case Operand.Reg reg -> state.register(reg.register()) & 0xFFFF;
            case Operand.Mem mem -> throw new IllegalArgumentException("a port is never a memory operand");
        };
    }

    private static String baseMnemonic(Instruction insn) {
        String m = insn.mnemonic();
        int space = m.lastIndexOf(' ');
        return space < 0 ? m : m.substring(space + 1);
    }
}
