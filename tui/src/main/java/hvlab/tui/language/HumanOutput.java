package hvlab.tui.language;

import hvlab.vmm.host.VmInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** How VMs read for people: the {@code vm list} table and the {@code vm info} lines. */
final class HumanOutput {
    private HumanOutput() {}

    private static final List<String> HEADINGS = List.of("NAME", "STATE", "MODE", "WEIGHT/CAP", "SHARE", "GUEST");

    /** An aligned table, one VM a line; columns as wide as their widest cell. */
    static String table(List<VmInfo> vms) {
        if (vms.isEmpty()) {
            return "no VMs defined (try 'vm create NAME --guest hello')";
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADINGS);
        for (VmInfo vm : vms) {
            String name = vm.sameIdentityAs().isEmpty() ? vm.name() : vm.name() + " (twin!)";
            rows.add(List.of(name, vm.state(), vm.mode(), weightCap(vm), percent(vm.share()), vm.guest()));
        }
        int[] widths = new int[HEADINGS.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(i == 0 ? "" : "  ").append(String.format("%-" + widths[i] + "s", row.get(i)));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString().stripTrailing();
    }

    /** {@code vm info}: one labelled line per fact. */
    static String details(VmInfo vm) {
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"name", vm.name()});
        lines.add(new String[] {"uuid", vm.uuid()});
        if (!vm.sameIdentityAs().isEmpty()) {
            lines.add(new String[] {"identity", "the same as " + String.join(", ", vm.sameIdentityAs())
                    + ": two machines claim to be one (a copy that kept its identity)"});
        }
        lines.add(new String[] {"host", vm.host()});
        lines.add(new String[] {"state", vm.state()});
        lines.add(new String[] {"guest", vm.guest()});
        lines.add(new String[] {"mode", vm.ifMirror() ? vm.mode() + " (interrupt flag mirrored)" : vm.mode()});
        lines.add(new String[] {"memory", size(vm.memoryBytes())});
        lines.add(new String[] {"disk", vm.disk() == null ? "none" : vm.disk()});
        if (vm.network() != null) {
            lines.add(new String[] {"network", vm.network() + " (NIC " + vm.mac() + ")"});
        }
        lines.add(new String[] {"weight", Integer.toString(vm.weight())});
        lines.add(new String[] {"cap", vm.cap() == 0 ? "none" : vm.cap() + "% of one CPU"});
        lines.add(new String[] {"cpu share", percent(vm.share()) + " of one CPU over the last measuring window"});
        lines.add(new String[] {"guest MIPS", String.format(Locale.ROOT, "%.1f (an estimate: CPU share x this host's speed)", vm.mips())});
        lines.add(new String[] {"cpu time", vm.cpuMillis() + " ms"});
        lines.add(new String[] {"throttled", vm.throttledMillis() + " ms (held back by its cap)"});
        lines.add(new String[] {"virtual time", vm.virtualMillis() + " ms"});
        lines.add(new String[] {"traps", traps(vm)});
        if (vm.readsAnswered() > 0) {
            lines.add(new String[] {"no exit", vm.readsAnswered() + " reads of the local APIC's ID answered by the CPU (APIC virtualization)"});
        }
        if (!vm.paging().isEmpty()) {
            lines.add(new String[] {"shadow MMU", vm.pagingScheme().isEmpty() ? nonZero(vm.paging())
                    : vm.pagingScheme() + "; " + nonZero(vm.paging())});
        }
        lines.add(new String[] {"last exit", vm.lastExit() == null ? "none" : vm.lastExit()});
        int width = lines.stream().mapToInt(l -> l[0].length()).max().orElse(0) + 1;
        return lines.stream()
                .map(l -> String.format("%-" + width + "s %s", l[0] + ":", l[1]))
                .collect(Collectors.joining("\n"));
    }

    /** One line about a VM, for {@code vm create}. */
    static String summary(VmInfo vm) {
        return String.format("%s (guest %s, %s, %s, weight %d, %s)", vm.name(), vm.guest(), size(vm.memoryBytes()),
                vm.modeDescription(), vm.weight(), vm.cap() == 0 ? "no cap" : "cap " + vm.cap() + "%");
    }

    static String weightCap(VmInfo vm) {
        return vm.weight() + "/" + (vm.cap() == 0 ? "-" : vm.cap() + "%");
    }

    static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", share * 100);
    }

    /** Bytes in the largest binary unit that divides them: 16 MiB, 512 KiB, 1000 bytes. */
    static String size(long bytes) {
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB"};
        int unit = 0;
        while (unit < units.length - 1 && bytes != 0 && bytes % 1024 == 0) {
            bytes /= 1024;
            unit++;
        }
        return bytes + " " + units[unit];
    }

    private static String traps(VmInfo vm) {
        String counted = nonZero(new java.util.TreeMap<>(vm.traps()));
        return counted.isEmpty() ? "none" : counted;
    }

    /** The counts that are not zero, in the order given (the shadow MMU's own order). */
    private static String nonZero(java.util.Map<String, Long> counts) {
        return counts.entrySet().stream()
                .filter(e -> e.getValue() != null && e.getValue() > 0)
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }
}
