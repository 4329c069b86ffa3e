package hvlab.vmm.vmi;

import hvlab.cpu.TableRegister;
import hvlab.vmm.memory.GuestRam;

import java.util.ArrayList;
import java.util.List;

/**
 * One gate of the guest's interrupt descriptor table as the guest wrote it (Intel SDM Vol. 3A,
 * 6.11): which code segment and offset the processor jumps to for a vector, the gate's type and
 * the privilege needed to raise it with INT n. A system call through {@code int 0x80} enters the
 * kernel by gate 0x80, so the IDT is a system-call table of sorts, and a favourite place for a
 * rootkit to hook (Livewire's integrity checker watched exactly such tables).
 */
public record IdtGate(int vector, int selector, long offset, int type, int dpl, boolean present) {

    /** The present gates of the IDT the guest loaded (its IDTR, as the VMM keeps it), read through the door to guest RAM. */
    public static List<IdtGate> read(GuestRam ram, TableRegister.Value idtr) {
        List<IdtGate> gates = new ArrayList<>();
        int count = Math.min(256, (idtr.limit() + 1) / 8);
        for (int vector = 0; vector < count; vector++) {
            long at = idtr.base() + vector * 8L;
            if (!ram.contains(at, 8)) {
                break; // an IDT that runs past RAM: the rest is not the guest's to have
            }
            int low = ram.read(at, 4);
            int high = ram.read(at + 4, 4);
            boolean present = (high & (1 << 15)) != 0;
            if (!present) {
                continue;
            }
            long offset = (Integer.toUnsignedLong(high) & 0xFFFF0000L) | (low & 0xFFFF);
            gates.add(new IdtGate(vector, (low >>> 16) & 0xFFFF, offset, (high >>> 8) & 0xF, (high >>> 13) & 3, true));
        }
        return gates;
    }

    public String describe() {
        return String.format("0x%02x -> %s", vector, target());
    }

    /** Where the gate leads and what kind it is, without its vector. */
    public String target() {
        String kind = switch (type) {
            case 0xE -> "interrupt gate";
            case 0xF -> "trap gate";
            case 0x5 -> "task gate";
            default -> "type " + type;
        };
        return String.format("%04x:%08x %s, DPL %d", selector, offset, kind, dpl);
    }
}
