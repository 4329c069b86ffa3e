package hvlab.vmmm.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The datacenter's certificate authority and the credentials it issues ({@code hv dc init DIR}):
 * <pre>
 *   DIR/ca.p12            the CA's key and certificate (PKCS#12), the one secret of the datacenter
 *   DIR/ca.pem            the CA's certificate: what every node trusts, and nothing else
 *   DIR/nodes/NAME.p12    a node's key and its certificate (CN=NAME) signed by the CA
 * </pre>
 * Every node, the manager ({@code manager}) and each host, proves its name with its certificate,
 * and accepts a peer only with a certificate of this CA: TLS mutual authentication. An attacker on
 * the network (paper IV.D.1, Oberheide et al.'s man in the middle of a migration) has no
 * certificate of this CA, so it can neither pose as a host nor read or change what passes.
 *
 * <p>Teaching shortcut, said plainly: the key stores' password is fixed and the files are
 * protected by their permissions only (owner read-write), and a node that has the CA's folder
 * issues its own certificate on first use; a real datacenter keeps the CA offline and enrolls
 * each machine once.
 */
public final class DatacenterCa {
    static final char[] PASSWORD = "hvlab".toCharArray();
    public static final String MANAGER = "manager";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final int DAYS = 3650;

    private final Path folder;
    private final X509Certificate ca;

    private DatacenterCa(Path folder, X509Certificate ca) {
        this.folder = folder;
        this.ca = ca;
    }

    /** Makes a new datacenter CA in {@code folder}, which must not hold one yet. */
    public static DatacenterCa init(Path folder) throws IOException {
        if (Files.exists(folder.resolve("ca.p12"))) {
            throw new IOException(folder + " already holds a datacenter CA (ca.p12)");
        }
        Files.createDirectories(folder.resolve("nodes"));
        KeyPair keys = CertificateMaker.newKeyPair();
        X509Certificate ca = CertificateMaker.selfSignedCa("hvlab datacenter CA", keys, DAYS);
        writeStore(folder.resolve("ca.p12"), "ca", keys.getPrivate(), ca);
        try {
            String pem = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(ca.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
            Files.writeString(folder.resolve("ca.pem"), pem);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encode the CA certificate: " + e.getMessage());
        }
        DatacenterCa dc = new DatacenterCa(folder, ca);
        dc.credentials(MANAGER);
        return dc;
    }

    /** The CA in {@code folder}, made by {@link #init}. */
    public static DatacenterCa open(Path folder) throws IOException {
        Path file = folder.resolve("ca.p12");
        if (!Files.isRegularFile(file)) {
            throw new IOException(folder + " holds no datacenter CA: make one with 'hv dc init " + folder + "'");
        }
        KeyStore store = readStore(file);
        try {
            return new DatacenterCa(folder, (X509Certificate) store.getCertificate("ca"));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage());
        }
    }

    public Path folder() {
        return folder;
    }

    public X509Certificate certificate() {
        return ca;
    }

    /** The key store of node {@code name} (issued now if it has none): its key, its certificate and the CA's. */
    public KeyStore credentials(String name) throws IOException {
        checkName(name);
        Path file = folder.resolve("nodes").resolve(name + ".p12");
        if (!Files.isRegularFile(file)) {
            KeyStore caStore = readStore(folder.resolve("ca.p12"));
            try {
                PrivateKey caKey = (PrivateKey) caStore.getKey("ca", PASSWORD);
                KeyPair keys = CertificateMaker.newKeyPair();
                X509Certificate certificate = CertificateMaker.issue(name, keys.getPublic(), ca, caKey, DAYS);
                writeStore(file, "node", keys.getPrivate(), certificate, ca);
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot issue a certificate for " + name + ": " + e.getMessage());
            }
        }
        return readStore(file);
    }

    public static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a node name (letters, digits, '.', '_', '-'; at most 63)");
        }
    }

    private static void writeStore(Path file, String alias, PrivateKey key, Certificate... chain) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(alias, key, PASSWORD, chain);
            Path temp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
            try {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // the folder's own protection is all there is
            }
            try (OutputStream out = Files.newOutputStream(temp)) {
                store.store(out, PASSWORD);
            }
            Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write " + file + ": " + e.getMessage());
        }
    }

    private static KeyStore readStore(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD);
            return store;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage());
        }
    }
}
