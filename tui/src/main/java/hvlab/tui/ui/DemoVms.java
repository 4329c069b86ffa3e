package hvlab.tui.ui;

import hvlab.vmm.host.Host;
import hvlab.vmm.host.HostException;
import hvlab.vmm.host.VmSpec;
import hvlab.vmm.image.GuestImages;

import java.util.ArrayList;
import java.util.List;

/**
 * The demo VMs of the datacenter {@code ./hv} opens when nothing else is said: the first time,
 * when host h1's store holds no VM, it is furnished with a VM for each built-in guest that shows
 * something worth watching, so a newcomer can select one and press {@code s}. (h2 and h3 start
 * empty: VMs come to them by migration.)
 */
public final class DemoVms {
    /** name, guest, mode: the demo VMs, in the order a lecture would show them. */
    private static final String[][] DEMO = {
        {"ticks", "ticks", "trap"},
        {"hello", "hello", "trap"},
        {"counter", "counter", "trap"},
        {"spinner", "spinner", "trap"},
        {"typist", "typist", "trap"},
        {"redpill-trap", "redpill", "trap"},
        {"redpill-bt", "redpill", "bt"},
        {"pv-hello", "pv-hello", "paravirt"},
        {"syscalls", "syscalls", "trap"},
        {"genid", "genid", "trap"},
        {"rootkit", "rootkit", "trap"},
        {"measured", "measured", "trap"},
        {"multiboot-c", "multiboot-info", "trap"},
        {"paging", "paging", "trap"},
        {"hvos", "hvos", "trap"},
    };

    private DemoVms() {}

    /** Furnishes {@code host} if it has no VM; returns the names of the demo VMs it just created. */
    public static List<String> furnish(Host host) {
        List<String> created = new ArrayList<>();
        if (host.list().isEmpty()) {
            List<String> builtIn = GuestImages.builtInNames();
            for (String[] demo : DEMO) {
                if (!builtIn.contains(demo[1])) {
                    continue; // a guest this build does not have
                }
                try {
                    host.create(new VmSpec(demo[0], demo[1], null, null, VmSpec.DEFAULT_WEIGHT, 0, demo[2]));
                    created.add(demo[0]);
                } catch (HostException e) {
                    // a demo that cannot be made is left out; the rest are there
                }
            }
        }
        return created;
    }

    public static List<String> demoNames() {
        List<String> names = new ArrayList<>();
        for (String[] demo : DEMO) {
            names.add(demo[0]);
        }
        return names;
    }
}
