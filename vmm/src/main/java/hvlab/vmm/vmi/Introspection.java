package hvlab.vmm.vmi;

import hvlab.cpu.Register;
import hvlab.vmm.VirtualCpu;
import hvlab.vmm.memory.GuestRam;
import hvlab.vmm.state.CpuRegisters;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the VMM sees of a VM from outside it (paper IV.C.7): its registers, its memory and the
 * tables its kernel built, at one moment while the VM is held off the CPU. The guest cannot hide
 * from this view and cannot tell it is taken: no instruction of the guest runs while it is, and
 * nothing is written. (An introspection that wrote, for instance accessed flags in page tables,
 * would leave a trace the guest could find.) Memory is read through the one door to guest RAM.
 *
 * <p>Garfinkel and Rosenblum's Livewire (NDSS 2003) built its detectors on such a view; hvlab's
 * {@code vmi} commands do the same.
 */
public final class Introspection {
    private final GuestRam ram;
    private final CpuRegisters registers;
    private final VirtualCpu.State vcpu;

    public Introspection(GuestRam ram, CpuRegisters registers, VirtualCpu.State vcpu) {
        this.ram = ram;
        this.registers = registers;
        this.vcpu = vcpu;
    }

    /** A view of memory only (no registers): for reading the guest's tables while it runs on, from the VMM's own trap path. */
    public static Introspection ofMemory(GuestRam ram) {
        return new Introspection(ram, null, null);
    }

    /** The registers as the guest believes them: real ones where they are real, virtual ones where the VMM keeps them. */
    public Map<String, String> registers() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Register r : List.of(Register.EAX, Register.EBX, Register.ECX, Register.EDX, Register.ESI, Register.EDI,
                Register.EBP, Register.ESP, Register.EIP)) {
            out.put(r.name().toLowerCase(), String.format("%08x", registers.get(r)));
        }
        out.put("cpl", Integer.toString(vcpu.privilegeLevel()));
        out.put("if", vcpu.interruptsEnabled() ? "1" : "0");
        out.put("cr0", String.format("%08x", vcpu.cr0()));
        out.put("cr3", String.format("%08x", vcpu.cr3()));
        out.put("idtr", String.format("%08x/%04x", vcpu.idtr().base(), vcpu.idtr().limit()));
        out.put("gdtr", String.format("%08x/%04x", vcpu.gdtr().base(), vcpu.gdtr().limit()));
        return out;
    }

    /** Guest-physical memory; the whole range must be RAM. */
    public byte[] read(long address, int length) {
        if (length < 0 || length > 1 << 20 || !ram.contains(address, length)) {
            throw new IllegalArgumentException(String.format("0x%x+%d is not in the guest's %d MiB of RAM (at most 1 MiB a read)",
                    address, length, ram.size() >> 20));
        }
        return ram.readBytes(address, length);
    }

    public List<IdtGate> idt() {
        return IdtGate.read(ram, vcpu.idtr());
    }

    /** Every guest-physical address where {@code pattern} starts, at most {@code limit} of them. */
    public List<Long> search(byte[] pattern, int limit) {
        List<Long> found = new ArrayList<>();
        int chunk = 1 << 20;
        for (long at = 0; at < ram.size() && found.size() < limit; at += chunk) {
            // Each chunk overlaps the next by the pattern's length, so no match is cut in two.
            int length = (int) Math.min(chunk + pattern.length - 1, ram.size() - at);
            byte[] bytes = ram.readBytes(at, length);
            for (int i = 0; i + pattern.length <= bytes.length && found.size() < limit; i++) {
                if (i < chunk && matches(bytes, i, pattern)) {
                    found.add(at + i);
                }
            }
        }
        return found;
    }

    /** SHA-256 of {@code length} bytes at {@code address}, in hex. */
    public String hash(long address, int length) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(read(address, length)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean matches(byte[] bytes, int at, byte[] pattern) {
        for (int j = 0; j < pattern.length; j++) {
            if (bytes[at + j] != pattern[j]) {
                return false;
            }
        }
        return true;
    }
}
