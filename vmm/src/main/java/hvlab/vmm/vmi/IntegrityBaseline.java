package hvlab.vmm.vmi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Livewire's integrity checker: what the guest kernel's interrupt table and the code it leads to
 * looked like when the baseline was taken, to compare with later. A rootkit that hooks a system
 * call either rewrites a gate (the IDT entry points elsewhere) or patches the handler's first
 * instructions (an inline hook, a jump to its own code); both show as a difference here, with
 * the old and the new value. The guest cannot hide it: the check reads memory from outside.
 *
 * @param gates    the present gates, by vector
 * @param handlers SHA-256 of the first {@link #HANDLER_BYTES} bytes at each gate's offset
 */
public record IntegrityBaseline(Map<Integer, IdtGate> gates, Map<Integer, String> handlers) {
    public static final int HANDLER_BYTES = 32;

    /** A difference from the baseline. */
    public record Finding(int vector, String what, String was, String now) {
        public String describe() {
            return String.format("vector 0x%02x: %s changed: %s -> %s", vector, what, was, now);
        }
    }

    public static IntegrityBaseline take(Introspection view) {
        Map<Integer, IdtGate> gates = new LinkedHashMap<>();
        Map<Integer, String> handlers = new LinkedHashMap<>();
        for (IdtGate gate : view.idt()) {
            gates.put(gate.vector(), gate);
            handlers.put(gate.vector(), handlerHash(view, gate));
        }
        return new IntegrityBaseline(Map.copyOf(gates), Map.copyOf(handlers));
    }

    public List<Finding> check(Introspection view) {
        List<Finding> findings = new ArrayList<>();
        Map<Integer, IdtGate> now = new LinkedHashMap<>();
        for (IdtGate gate : view.idt()) {
            now.put(gate.vector(), gate);
        }
        for (int vector = 0; vector < 256; vector++) {
            IdtGate before = gates.get(vector);
            IdtGate after = now.get(vector);
            if (before == null && after == null) {
                continue;
            }
            if (before == null || after == null || !before.equals(after)) {
                findings.add(new Finding(vector, "gate", before == null ? "absent" : before.target(),
                        after == null ? "absent" : after.target()));
            } else if (!handlerHash(view, after).equals(handlers.get(vector))) {
                findings.add(new Finding(vector, String.format("the first %d bytes of its handler at 0x%08x", HANDLER_BYTES, after.offset()),
                        "sha256 " + handlers.get(vector).substring(0, 16), "sha256 " + handlerHash(view, after).substring(0, 16)));
            }
        }
        return findings;
    }

    private static String handlerHash(Introspection view, IdtGate gate) {
        try {
            return view.hash(gate.offset(), HANDLER_BYTES);
        } catch (IllegalArgumentException outsideRam) {
            return "outside RAM";
        }
    }
}
