package hvlab.vmm.state;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import hvlab.cpu.GuestMemory;
import hvlab.vmm.VirtualCpu;
import hvlab.vmm.boot.ShadowGdt;
import hvlab.vmm.console.ConsoleLog;
import hvlab.vmm.devices.DeviceState;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A {@link VmState} as bytes and back, for what must outlive the process or leave it: snapshots,
 * images, migration. Everything but guest RAM becomes one JSON document (readable: a student
 * can open a snapshot's {@code machine.json} and find EIP, CR0 and the PIC's mask in it); RAM
 * travels beside it, however the caller stores memory (whole, or page by page).
 *
 * <p>Reading is strict: a document of another format version, or one that does not describe a
 * whole machine, is refused with one line saying why, never half restored.
 */
public final class VmStateCodec {
    /** Bump when the document changes shape; old documents are then refused, not misread. */
    public static final String FORMAT = "hvlab-machine-1";

    /** VmState without its RAM, as written. */
    record Machine(String format, CpuRegisters cpu, VirtualCpu.State vcpu, ShadowGdt.State shadow, List<DeviceState> devices,
                   boolean entered, List<Long> watched, boolean waiting, long virtualNanos, ConsoleLog.Contents console,
                   Map<String, Long> counters, long ramBytes) {}

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "device")
    private interface DeviceStateTyping {}

    private static final ObjectMapper JSON = mapper();

    private VmStateCodec() {}

    private static ObjectMapper mapper() {
        ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        mapper.addMixIn(DeviceState.class, DeviceStateTyping.class);
        for (Class<?> type : DeviceState.class.getPermittedSubclasses()) {
            mapper.registerSubtypes(new NamedType(type, type.getEnclosingClass().getSimpleName()));
        }
        return mapper;
    }

    /** The machine part of {@code state} (everything but RAM) as JSON. */
    public static byte[] encode(VmState state) {
        Machine machine = new Machine(FORMAT, state.cpu(), state.vcpu(), state.shadow(), state.devices(), state.entered(),
                state.watched(), state.waiting(), state.virtualNanos(), state.console(), state.counters(), state.ram().size());
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(machine);
        } catch (IOException e) {
            throw new IllegalStateException("a machine state could not be written as JSON", e);
        }
    }

    /** Reads a machine written by {@link #encode}, with {@code ram} as its memory. */
    public static VmState decode(byte[] json, GuestMemory ram) {
        Machine m = read(json);
        if (m.ramBytes() != ram.size()) {
            throw new IllegalArgumentException("the saved machine had " + m.ramBytes() + " bytes of RAM, not " + ram.size());
        }
        return new VmState(m.cpu(), m.vcpu(), m.shadow(), m.devices(), ram, m.entered(),
                m.watched() == null ? List.of() : m.watched(), m.waiting(), m.virtualNanos(), m.console(),
                m.counters() == null ? Map.of() : m.counters());
    }

    /**
     * Checks that {@code json} is a whole machine of {@code ramBytes} of RAM, as {@link #decode}
     * would, without RAM to decode it over: a replication backup checks every checkpoint this way
     * before it takes it in place of the last good one. Returns its console, which the backup
     * keeps apart (one parse of the document, not two).
     */
    public static ConsoleLog.Contents check(byte[] json, long ramBytes) {
        Machine m = read(json);
        if (m.ramBytes() != ramBytes) {
            throw new IllegalArgumentException("the saved machine had " + m.ramBytes() + " bytes of RAM, not " + ramBytes);
        }
        return m.console();
    }

    /**
     * The machine {@code json} with its console replaced by {@code console}: a replication
     * backup, which receives each checkpoint's console as the bytes since the last one, puts the
     * whole history back before it starts the VM.
     */
    public static byte[] withConsole(byte[] json, ConsoleLog.Contents console) {
        Machine m = read(json);
        Machine replaced = new Machine(m.format(), m.cpu(), m.vcpu(), m.shadow(), m.devices(), m.entered(), m.watched(), m.waiting(),
                m.virtualNanos(), console, m.counters(), m.ramBytes());
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(replaced);
        } catch (IOException e) {
            throw new IllegalStateException("a machine state could not be written as JSON", e);
        }
    }

    private static Machine read(byte[] json) {
        Machine m;
        try {
            var tree = JSON.readTree(json);
            String format = tree == null ? null : tree.path("format").asText(null);
            if (!FORMAT.equals(format)) {
                throw new IllegalArgumentException("a saved machine of format '" + format + "'; this hvlab reads " + FORMAT);
            }
            m = JSON.treeToValue(tree, Machine.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a saved machine: " + firstLine(e.getMessage()));
        }
        if (m.cpu() == null || m.vcpu() == null || m.shadow() == null || m.devices() == null || m.console() == null) {
            throw new IllegalArgumentException("a saved machine with parts missing");
        }
        return m;
    }

    /** The RAM size a saved machine needs, read without decoding the rest. */
    public static long ramBytes(byte[] json) {
        try {
            return JSON.readTree(json).path("ramBytes").asLong(-1);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a saved machine: " + firstLine(e.getMessage()));
        }
    }

    private static String firstLine(String message) {
        return message == null ? "unreadable" : message.lines().findFirst().orElse("unreadable");
    }
}
