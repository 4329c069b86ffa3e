package hvlab.vmm.replay;

import hvlab.cpu.CpuBackend;
import hvlab.cpu.Register;
import hvlab.vmm.memory.GuestRam;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What "the same state" means when a replay is checked: the same general registers, the same
 * guest RAM byte for byte (SHA-256) and the same serial output so far. Two runs that agree on all
 * three have, as far as the guest and its user can tell, done the same thing.
 */
public record MachineFingerprint(long registers, String memorySha256, String consoleSha256) {

    private static final int CHUNK = 64 * 1024;
    private static final Register[] HASHED = {Register.EAX, Register.ECX, Register.EDX, Register.EBX,
        Register.ESP, Register.EBP, Register.ESI, Register.EDI, Register.EIP, Register.EFLAGS};

    /** A 64-bit hash of the general registers, EIP and EFLAGS (FNV-1a over their values). */
    public static long registersOf(CpuBackend cpu) {
        long h = 0xcbf29ce484222325L;
        for (Register r : HASHED) {
            h = (h ^ Integer.toUnsignedLong(cpu.read(r))) * 0x100000001b3L;
        }
        return h;
    }

    /** @param ram the guest's RAM, read through the one door to it, 64 KiB at a time */
    public static MachineFingerprint of(CpuBackend cpu, GuestRam ram, String console) {
        MessageDigest memory = sha256();
        for (long at = 0; at < ram.size(); at += CHUNK) {
            memory.update(ram.readBytes(at, (int) Math.min(CHUNK, ram.size() - at)));
        }
        return new MachineFingerprint(registersOf(cpu), HexFormat.of().formatHex(memory.digest()),
                HexFormat.of().formatHex(sha256().digest(console.getBytes(StandardCharsets.ISO_8859_1))));
    }

    /** The differences from {@code other}, in words; empty when the two agree. */
    public String differencesFrom(MachineFingerprint other) {
        StringBuilder s = new StringBuilder();
        if (registers != other.registers) s.append("registers differ; ");
        if (!memorySha256.equals(other.memorySha256)) s.append("memory differs; ");
        if (!consoleSha256.equals(other.consoleSha256)) s.append("serial output differs; ");
        return s.isEmpty() ? "" : s.substring(0, s.length() - 2);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
