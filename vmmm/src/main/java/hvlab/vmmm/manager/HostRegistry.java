package hvlab.vmmm.manager;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the hosts of a datacenter listen, as {@code DIR/hosts/NAME.address} files ({@code
 * HOST:PORT}, and a plaintext {@code HOST:PORT} on a second line if it takes insecure migrations):
 * the address book a host writes when it starts serving and the manager reads. An address says
 * only where to knock: who answers is proved by TLS, and what it runs by its TPM quote.
 */
public final class HostRegistry {
    public record Address(String name, InetSocketAddress address, InetSocketAddress insecure) {}

    private HostRegistry() {}

    public static void register(Path dc, String name, InetSocketAddress address, InetSocketAddress insecure) throws IOException {
        Path folder = dc.resolve("hosts");
        Files.createDirectories(folder);
        String text = address.getHostString() + ":" + address.getPort() + "\n"
                + (insecure == null ? "" : insecure.getHostString() + ":" + insecure.getPort() + "\n");
        hvlab.vmm.host.VmStore.writeAtomically(folder.resolve(name + ".address"), text.getBytes());
    }

    public static List<Address> read(Path dc) throws IOException {
        Path folder = dc.resolve("hosts");
        List<Address> out = new ArrayList<>();
        if (!Files.isDirectory(folder)) return out;
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".address")).sorted().toList()) {
                List<String> lines = Files.readAllLines(file);
                String name = file.getFileName().toString().replaceFirst("\\.address$", "");
                if (lines.isEmpty()) continue;
                out.add(new Address(name, parse(lines.get(0)), lines.size() > 1 && !lines.get(1).isBlank() ? parse(lines.get(1)) : null));
            }
        }
        return out;
    }

    private static InetSocketAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        return new InetSocketAddress(text.substring(0, colon).strip(), Integer.parseInt(text.substring(colon + 1).strip()));
    }
}
