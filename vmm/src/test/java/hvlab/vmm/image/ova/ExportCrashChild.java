package hvlab.vmm.image.ova;

import hvlab.vmm.host.Host;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmBundle;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process {@link ExportCrashTest} kills: it opens a host on the store it is given, starts VM
 * "web" and exports it, signed, as {@code PREFIX-0.ova}, {@code PREFIX-1.ova}, ... into a folder,
 * as fast as it can, until it is killed with SIGKILL.
 */
public final class ExportCrashChild {
    public static void main(String[] args) throws Exception {
        Path store = Path.of(args[0]);
        Path folder = Path.of(args[1]);
        String prefix = args[2];
        try (Host host = new Host("local", store, 1)) {
            host.act("web", PowerAction.START, "child");
            SigningKey key = SigningKey.ofStore(store);
            System.out.println("exporting");
            System.out.flush();
            for (int n = 0; ; n++) {
                VmBundle bundle = host.capture("web");
                try {
                    OvaWriter.write(bundle, folder.resolve(prefix + "-" + n + ".ova"), key, null, Progress.NONE);
                } finally {
                    if (bundle.disk() != null) Files.deleteIfExists(bundle.disk());
                }
                if (n == 0) {
                    System.out.println("first export written"); // from here on the parent may kill at any moment
                    System.out.flush();
                }
            }
        }
    }
}
