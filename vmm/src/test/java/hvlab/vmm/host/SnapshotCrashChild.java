package hvlab.vmm.host;

import java.nio.file.Path;
import java.util.List;

/**
 * The process {@link SnapshotCrashTest} kills: it opens a host on the store it is given, starts
 * VM "c" and takes and deletes snapshots as fast as it can, until it is killed with SIGKILL.
 */
public final class SnapshotCrashChild {
    public static void main(String[] args) throws Exception {
        Path store = Path.of(args[0]);
        String prefix = args[1];
        try (Host host = new Host("local", store, 1)) {
            host.act("c", PowerAction.START, "child");
            System.out.println("snapshotting");
            System.out.flush();
            for (int n = 0; ; n++) {
                try {
                    host.snapshot("c", prefix + "-" + n, "child");
                } catch (HostException e) {
                    // Not what this test is about, but worth seeing in its output: why the VM stopped.
                    System.out.println("note: snapshot failed: " + e.getMessage() + "; last events:");
                    List<String> history = host.history("c");
                    history.subList(Math.max(0, history.size() - 3), history.size()).forEach(l -> System.out.println("note: " + l));
                    System.out.flush();
                    if (!host.info("c").state().equals("running")) {
                        host.act("c", PowerAction.START, "child");
                    }
                    n--;
                    continue;
                }
                if (n == 0) {
                    System.out.println("first snapshot taken"); // from here on the parent may kill at any moment
                    System.out.flush();
                }
                if (n % 3 == 2) {
                    host.deleteSnapshot("c", prefix + "-" + (n - 1), "child"); // a merge into its child
                }
            }
        }
    }
}
