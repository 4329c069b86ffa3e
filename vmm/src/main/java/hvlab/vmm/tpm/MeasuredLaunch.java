package hvlab.vmm.tpm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Measured launch of the VMM (paper IV.A.2: "a TPM ... can be used to verify that the proper VMM
 * is indeed running, as opposed to an insecure version installed by an attacker"). Before the
 * host runs anything, it measures into its TPM, the way a PC's firmware measures the boot loader
 * before jumping to it (the static root of trust: the first code measures the next):
 *
 * <pre>
 *   PCR 0  the code: every class and resource of hvlab (one event each, so a verifier can name
 *          the class that changed), and each library jar as a whole
 *   PCR 1  the configuration: host name, Java runtime, and the settings that change what the VMM
 *          does (HV_TRACE=1 makes it print every trap: a different configuration, different PCRs)
 *   PCR 7  the policy the VMM enforces (PC Client's PCR 7 holds the Secure Boot policy)
 * </pre>
 * each stage closed by a separator event. Honest caveat: in hvlab the code that measures is part
 * of what it measures, and nothing measured the JVM below it; a real static or dynamic root of
 * trust starts in hardware. The lesson holds: change one class file, and PCR 0 changes.
 */
public final class MeasuredLaunch {
    public static final int CODE = 0;
    public static final int CONFIGURATION = 1;
    public static final int POLICY = 7;
    /** The PCRs a host's quote covers. */
    public static final int HOST_SELECTION = (1 << CODE) | (1 << CONFIGURATION) | (1 << POLICY);
    /** What hvlab's VMM enforces, measured line by line. */
    public static final List<String> DEFAULT_POLICY = List.of(
            "guest memory: one checked door (GuestRam), no VMM memory reachable",
            "introspection: refused for closed-box VMs (Terra)",
            "images: imported only with a valid signature or after the user's explicit consent",
            "vTPM: one per VM, counters outside snapshots, a new identity for every clone");

    /** One measurement: what to extend, and how to log it. */
    public record Measurement(String type, String description, byte[] digest) {}

    private static List<Measurement> code;

    private MeasuredLaunch() {}

    /** Measures the VMM into a just powered-on {@code tpm}. */
    public static void measureHost(Tpm tpm, Map<String, String> configuration, List<String> policy) {
        for (Measurement m : codeOfThisProcess()) {
            tpm.extend(CODE, m.digest(), m.type(), m.description());
        }
        separate(tpm, CODE);
        for (var setting : new TreeMap<>(configuration).entrySet()) {
            String line = setting.getKey() + "=" + setting.getValue();
            tpm.measure(CONFIGURATION, TpmEvent.VMM_CONFIG, line.getBytes(StandardCharsets.UTF_8), line);
        }
        separate(tpm, CONFIGURATION);
        for (String line : policy) {
            tpm.measure(POLICY, TpmEvent.VMM_POLICY, line.getBytes(StandardCharsets.UTF_8), line);
        }
        separate(tpm, POLICY);
    }

    private static void separate(Tpm tpm, int pcr) {
        tpm.measure(pcr, TpmEvent.SEPARATOR, new byte[4], "end of " + (pcr == CODE ? "code" : pcr == POLICY ? "policy" : "configuration"));
    }

    /** The environment variables that change what the VMM does (and so are measured when set). */
    public static final List<String> SETTINGS = List.of("HV_TRACE", "HV_DEBUG");

    /** The host configuration that counts: name, runtime, and the {@link #SETTINGS} set in {@code environment}. */
    public static Map<String, String> configuration(String hostName, Map<String, String> environment) {
        Map<String, String> out = new TreeMap<>();
        out.put("host", hostName);
        out.put("java.runtime", Runtime.version().feature() + "");
        for (String setting : SETTINGS) {
            if (environment.get(setting) != null) out.put(setting, environment.get(setting));
        }
        return out;
    }

    /** The code this process runs from (its class path), measured once per process: it cannot change under a running JVM. */
    public static synchronized List<Measurement> codeOfThisProcess() {
        if (code == null) {
            List<Measurement> out = new ArrayList<>();
            for (String entry : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
                if (!entry.isBlank()) {
                    out.addAll(measureCode(Path.of(entry)));
                }
            }
            code = List.copyOf(out);
        }
        return code;
    }

    /** hvlab's own code and data: its classes, and the guests it ships. */
    private static boolean ours(String file) {
        return file.startsWith("hvlab/") || file.startsWith("guests/");
    }

    /**
     * One class-path entry: hvlab's own files one by one (so a verifier names the changed class),
     * a library jar as one measurement of its bytes. Our jars by their entries, not their bytes:
     * a jar rebuilt from the same classes has new timestamps but the same contents, and must give
     * the same PCR; a library jar comes from the Maven repository, byte for byte the same.
     */
    static List<Measurement> measureCode(Path entry) {
        String name = entry.getFileName() == null ? entry.toString() : entry.getFileName().toString();
        Map<String, byte[]> files = new TreeMap<>();
        try {
            if (Files.isDirectory(entry)) {
                try (Stream<Path> walk = Files.walk(entry)) {
                    for (Path file : walk.filter(Files::isRegularFile).toList()) {
                        files.put(entry.relativize(file).toString().replace('\\', '/'), Sha256.of(Files.readAllBytes(file)));
                    }
                }
            } else if (Files.isRegularFile(entry) && name.endsWith(".jar")) {
                try (JarFile jar = new JarFile(entry.toFile())) {
                    if (jar.stream().noneMatch(e -> ours(e.getName()))) {
                        return List.of(new Measurement(TpmEvent.VMM_CODE, name, Sha256.of(Files.readAllBytes(entry))));
                    }
                    for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                        JarEntry file = e.nextElement();
                        if (!file.isDirectory()) {
                            try (InputStream in = jar.getInputStream(file)) {
                                files.put(file.getName(), Sha256.of(in.readAllBytes()));
                            }
                        }
                    }
                }
            } else {
                return List.of();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure " + entry, e);
        }
        List<Measurement> out = new ArrayList<>();
        if (files.keySet().stream().anyMatch(MeasuredLaunch::ours)) {
            files.forEach((file, digest) -> {
                if (!file.startsWith("META-INF/")) {
                    out.add(new Measurement(TpmEvent.VMM_CODE, name + "!" + file, digest));
                }
            });
        } else {
            MessageDigest all = Sha256.newDigest();
            files.forEach((file, digest) -> {
                all.update(file.getBytes(StandardCharsets.UTF_8));
                all.update(digest);
            });
            out.add(new Measurement(TpmEvent.VMM_CODE, name, all.digest()));
        }
        return out;
    }
}
