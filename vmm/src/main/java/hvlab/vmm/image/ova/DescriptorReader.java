package hvlab.vmm.image.ova;

import hvlab.vmm.ExecutionMode;
import hvlab.vmm.host.HostException;
import hvlab.vmm.host.VmStore;
import hvlab.vmm.image.ova.OvaLayout.Payload;
import hvlab.vmm.image.ova.OvfDescriptor.Encryption;
import hvlab.vmm.image.ova.OvfDescriptor.FileRef;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an OVF descriptor that came from somewhere else, which is to say from anyone. Two kinds of
 * check, before a value is believed:
 * <ul>
 *   <li>The XML parser is locked down. A document type declaration (DTD) may define entities,
 *       and an external entity ({@code <!ENTITY x SYSTEM "file:///etc/shadow">}) makes a naive
 *       parser read a file of this machine into the document, or fetch a URL (XXE, OWASP); a
 *       DTD of nested entities expands a few bytes into gigabytes ("billion laughs"). An OVF
 *       descriptor needs no DTD, so any DTD is refused outright, and external entities, schemas
 *       and XInclude are off besides.</li>
 *   <li>Every number is checked against what the VMM can run: RAM a whole number of 4 KiB pages
 *       between the VMM's limits, one virtual CPU, a disk of whole 512-byte sectors, weights and
 *       caps in their ranges, names that are VM names, and file names that are exactly the
 *       names this VM's files must have.</li>
 * </ul>
 */
final class DescriptorReader {
    private static final Pattern MAC = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");
    private static final Pattern HEX128 = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern UNITS = Pattern.compile("byte(?:\\s*\\*\\s*2\\^(\\d{1,2}))?");

    private final String ova;
    private final String entry;

    private DescriptorReader(String ova, String entry) {
        this.ova = ova;
        this.entry = entry;
    }

    /** The descriptor {@code entry} of {@code ova}, checked; an {@link ImageRefused} says what is wrong. */
    static OvfDescriptor read(byte[] xml, String ova, String entry) {
        return new DescriptorReader(ova, entry).read(xml);
    }

    /** A parser with DTDs, external entities, external schemas and XInclude all off. */
    static DocumentBuilder safeParser() throws ParserConfigurationException {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
        factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        DocumentBuilder builder = factory.newDocumentBuilder();
        builder.setErrorHandler(new DefaultHandler()); // no "[Fatal Error]" lines on stderr; errors still throw
        return builder;
    }

    private OvfDescriptor read(byte[] xml) {
        Document doc;
        try {
            doc = safeParser().parse(new ByteArrayInputStream(xml));
        } catch (SAXException e) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            if (message.contains("DOCTYPE")) {
                throw refuse("has a document type declaration (DTD), which an OVF descriptor never needs: refused, "
                        + "since its entities could read this machine's files (XXE) or expand without end");
            }
            throw refuse("does not parse as XML: " + message);
        } catch (ParserConfigurationException | IOException e) {
            throw refuse("cannot be parsed: " + e.getMessage());
        }
        Element envelope = doc.getDocumentElement();
        if (!Ovf.NS.equals(envelope.getNamespaceURI()) || !"Envelope".equals(envelope.getLocalName())) {
            throw refuse("is not an OVF 2 Envelope (its root is " + envelope.getLocalName() + " in "
                    + envelope.getNamespaceURI() + ")");
        }
        Element system = only(envelope, Ovf.NS, "VirtualSystem");
        String name = attribute(system, Ovf.NS, "id");
        try {
            VmStore.checkName(name);
        } catch (HostException e) {
            throw refuse("VirtualSystem: " + e.getMessage());
        }
        if (!entry.equals(OvaLayout.descriptor(name))) {
            throw refuse("describes VM '" + name + "', whose descriptor would be " + OvaLayout.descriptor(name));
        }
        List<FileRef> files = references(only(envelope, Ovf.NS, "References"), name);
        Element hvlab = only(system, Ovf.HVLAB, "VirtualMachineSection");
        Encryption encryption = encryption(hvlab, files);
        Element hardware = only(system, Ovf.NS, "VirtualHardwareSection");
        long memory = memory(hardware);
        cpus(hardware);
        String mac = match(text(hvlab, "Mac"), MAC, "hvlab:Mac");
        long capacity = disk(envelope, files);
        String state = text(hvlab, "State");
        if (!Set.of(OvfDescriptor.RUNNING, OvfDescriptor.PAUSED, OvfDescriptor.OFF).contains(state)) {
            throw refuse("hvlab:State '" + state + "' is not running, paused or off");
        }
        checkFilesFit(files, state);
        String mode = text(hvlab, "ExecutionMode");
        try {
            ExecutionMode.parse(mode);
        } catch (IllegalArgumentException e) {
            throw refuse("hvlab:ExecutionMode: " + e.getMessage());
        }
        String uuid = text(hvlab, "Uuid");
        try {
            if (!UUID.fromString(uuid).toString().equals(uuid)) throw new IllegalArgumentException();
        } catch (IllegalArgumentException e) {
            throw refuse("hvlab:Uuid '" + uuid + "' is not a UUID");
        }
        Instant created;
        try {
            created = Instant.parse(text(hvlab, "Created"));
        } catch (DateTimeParseException e) {
            throw refuse("hvlab:Created is not a time");
        }
        String guest = text(hvlab, "Guest");
        if (guest.isEmpty() || guest.length() > 4096) {
            throw refuse("hvlab:Guest must name where the guest came from");
        }
        return new OvfDescriptor(name, uuid, guest, memory, mode, (int) number(text(hvlab, "Weight"), 1, 65535, "hvlab:Weight"),
                (int) number(text(hvlab, "Cap"), 0, 100, "hvlab:Cap"), created, mac,
                match(text(hvlab, "GenerationId"), HEX128, "hvlab:GenerationId"), state, capacity, files, encryption,
                new OvfDescriptor.Machine(flag(hvlab, "ClosedBox"), flag(hvlab, "Apic"), flag(hvlab, "Keyboard")));
    }

    /** An optional true/false element of the hvlab section: absent in images older than it, so false. */
    private boolean flag(Element hvlab, String name) {
        List<Element> found = children(hvlab, Ovf.HVLAB, name);
        if (found.isEmpty()) {
            return false;
        }
        String value = only(hvlab, Ovf.HVLAB, name).getTextContent().trim();
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw refuse("hvlab:" + name + " '" + value + "' is not true or false");
        };
    }

    /** References (DSP0243 7.1): each File a known payload, named as this VM's file of that kind must be. */
    private List<FileRef> references(Element references, String vm) {
        List<FileRef> files = new ArrayList<>();
        EnumSet<Payload> seen = EnumSet.noneOf(Payload.class);
        for (Element file : children(references, Ovf.NS, "File")) {
            String id = attribute(file, Ovf.NS, "id");
            Payload payload = Payload.byId(id);
            if (payload == null) {
                throw refuse("References: a File of unknown kind '" + id + "'");
            }
            if (!seen.add(payload)) {
                throw refuse("References: two Files for " + payload.meaning());
            }
            String href = attribute(file, Ovf.NS, "href");
            if (!href.equals(payload.fileName(vm))) {
                throw refuse("References: the " + id + " file is called '" + href + "', not " + payload.fileName(vm));
            }
            long size = number(attribute(file, Ovf.NS, "size"), 0, Long.MAX_VALUE, "the size of " + href);
            boolean encrypted = "true".equals(file.getAttributeNS(Ovf.HVLAB, "encrypted"));
            files.add(new FileRef(payload, href, size, encrypted));
        }
        if (!seen.contains(Payload.IMAGE)) {
            throw refuse("References: no guest image");
        }
        return files;
    }

    private void checkFilesFit(List<FileRef> files, String state) {
        boolean machine = files.stream().anyMatch(f -> f.payload() == Payload.MACHINE);
        boolean memory = files.stream().anyMatch(f -> f.payload() == Payload.MEMORY);
        boolean ran = !state.equals(OvfDescriptor.OFF);
        if (machine != ran || memory != ran) {
            throw refuse(ran ? "a " + state + " VM needs its machine and memory files" : "a VM that is off carries no machine or memory");
        }
    }

    /** Memory: the RASD Item of ResourceType 4, VirtualQuantity in AllocationUnits (DSP0243 8.3). */
    private long memory(Element hardware) {
        Element item = rasdItem(hardware, Ovf.MEMORY, "memory");
        String units = rasd(item, "AllocationUnits");
        Matcher m = UNITS.matcher(units == null ? "byte" : units.trim());
        if (!m.matches()) {
            throw refuse("memory: AllocationUnits '" + units + "' is not 'byte * 2^N'");
        }
        int shift = m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
        if (shift > 30) {
            throw refuse("memory: AllocationUnits byte * 2^" + shift + " is beyond any RAM hvlab runs");
        }
        long quantity = number(rasd(item, "VirtualQuantity"), 1, OvaLayout.MAX_RAM, "memory: VirtualQuantity");
        long bytes = quantity << shift;
        if (bytes < OvaLayout.MIN_RAM || bytes > OvaLayout.MAX_RAM || bytes % 4096 != 0) {
            throw refuse("memory of " + bytes + " bytes: guest memory is a multiple of 4K between 2M and 1G");
        }
        return bytes;
    }

    private void cpus(Element hardware) {
        long cpus = number(rasd(rasdItem(hardware, Ovf.PROCESSOR, "processor"), "VirtualQuantity"), 1, Integer.MAX_VALUE,
                "processor: VirtualQuantity");
        if (cpus != 1) {
            throw refuse("asks for " + cpus + " virtual CPUs; an hvlab VM has one");
        }
    }

    /** The disk's capacity from the DiskSection (DSP0243 9.1), 0 when the VM has no disk. */
    private long disk(Element envelope, List<FileRef> files) {
        boolean hasFile = files.stream().anyMatch(f -> f.payload() == Payload.DISK);
        List<Element> sections = children(envelope, Ovf.NS, "DiskSection");
        if (!hasFile) {
            if (!sections.isEmpty() && !children(sections.getFirst(), Ovf.NS, "Disk").isEmpty()) {
                throw refuse("DiskSection: a Disk without its file in the References");
            }
            return 0;
        }
        if (sections.size() != 1) {
            throw refuse("References hold a disk, but there is no DiskSection describing it");
        }
        Element disk = only(sections.getFirst(), Ovf.NS, "Disk");
        if (!Payload.DISK.id().equals(attribute(disk, Ovf.NS, "fileRef"))) {
            throw refuse("DiskSection: the Disk does not refer to the disk file");
        }
        if (!Ovf.RAW_DISK_FORMAT.equals(disk.getAttributeNS(Ovf.NS, "format"))) {
            throw refuse("DiskSection: disk format '" + disk.getAttributeNS(Ovf.NS, "format") + "' is not raw ("
                    + Ovf.RAW_DISK_FORMAT + ")");
        }
        String units = disk.getAttributeNS(Ovf.NS, "capacityAllocationUnits");
        Matcher m = UNITS.matcher(units.isEmpty() ? "byte" : units.trim());
        if (!m.matches()) {
            throw refuse("DiskSection: capacityAllocationUnits '" + units + "' is not 'byte * 2^N'");
        }
        int shift = m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
        long capacity = number(attribute(disk, Ovf.NS, "capacity"), 1, OvaLayout.MAX_DISK >> Math.min(shift, 37),
                "DiskSection: capacity") << shift;
        if (capacity % 512 != 0 || capacity < 16 * 512 || capacity > OvaLayout.MAX_DISK) {
            throw refuse("DiskSection: a disk of " + capacity + " bytes is not a whole number of 512-byte sectors from 8K to 128G");
        }
        return capacity;
    }

    private Encryption encryption(Element hvlab, List<FileRef> files) {
        List<Element> found = children(hvlab, Ovf.HVLAB, "Encryption");
        long encrypted = files.stream().filter(FileRef::encrypted).count();
        if (found.isEmpty()) {
            if (encrypted > 0) {
                throw refuse("References mark files as encrypted, but hvlab:Encryption says nothing of how");
            }
            return null;
        }
        if (encrypted != files.size()) {
            throw refuse("an encrypted image encrypts every file of its payload, and some are not");
        }
        Element e = found.getFirst();
        if (!OvfDescriptor.Encryption.CIPHER.equals(e.getAttributeNS(Ovf.HVLAB, "cipher"))
                || !OvfDescriptor.Encryption.KDF.equals(e.getAttributeNS(Ovf.HVLAB, "kdf"))) {
            throw refuse("hvlab:Encryption: only " + Encryption.CIPHER + " with a key from " + Encryption.KDF + " is known");
        }
        int iterations = (int) number(e.getAttributeNS(Ovf.HVLAB, "iterations"), PayloadCipher.MIN_ITERATIONS,
                PayloadCipher.MAX_ITERATIONS, "hvlab:Encryption iterations");
        int segment = (int) number(e.getAttributeNS(Ovf.HVLAB, "segmentBytes"), PayloadCipher.MIN_SEGMENT,
                PayloadCipher.MAX_SEGMENT, "hvlab:Encryption segmentBytes");
        byte[] salt = base64(e.getAttributeNS(Ovf.HVLAB, "salt"), 16, 64, "salt");
        byte[] check = base64(e.getAttributeNS(Ovf.HVLAB, "keyCheck"), 16, 32, "keyCheck");
        return new Encryption(iterations, salt, segment, check);
    }

    private byte[] base64(String text, int min, int max, String what) {
        try {
            byte[] bytes = Base64.getDecoder().decode(text);
            if (bytes.length >= min && bytes.length <= max) {
                return bytes;
            }
        } catch (IllegalArgumentException notBase64) {
            // refused below
        }
        throw refuse("hvlab:Encryption " + what + " is not " + min + " to " + max + " bytes of base64");
    }

    // ---- small DOM helpers ------------------------------------------------------------------

    private Element rasdItem(Element hardware, int type, String what) {
        Element found = null;
        for (Element item : children(hardware, Ovf.NS, "Item")) {
            if (Integer.toString(type).equals(rasd(item, "ResourceType"))) {
                if (found != null) {
                    throw refuse("VirtualHardwareSection: two " + what + " Items");
                }
                found = item;
            }
        }
        if (found == null) {
            throw refuse("VirtualHardwareSection: no " + what + " Item (ResourceType " + type + ")");
        }
        return found;
    }

    private static String rasd(Element item, String name) {
        List<Element> values = children(item, Ovf.RASD, name);
        return values.isEmpty() ? null : values.getFirst().getTextContent().trim();
    }

    private String text(Element hvlab, String name) {
        return only(hvlab, Ovf.HVLAB, name).getTextContent().trim();
    }

    private Element only(Element parent, String ns, String name) {
        List<Element> found = children(parent, ns, name);
        if (found.size() != 1) {
            throw refuse((found.isEmpty() ? "has no " : "has more than one ") + name + " in " + parent.getLocalName());
        }
        return found.getFirst();
    }

    private static List<Element> children(Element parent, String ns, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && ns.equals(e.getNamespaceURI()) && name.equals(e.getLocalName())) {
                out.add(e);
            }
        }
        return out;
    }

    private String attribute(Element element, String ns, String name) {
        if (!element.hasAttributeNS(ns, name)) {
            throw refuse(element.getLocalName() + " has no " + name);
        }
        return element.getAttributeNS(ns, name).trim();
    }

    private long number(String text, long min, long max, String what) {
        try {
            long value = Long.parseLong(text == null ? "" : text.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException notANumber) {
            // refused below
        }
        throw refuse(what + " '" + text + "' is not a number from " + min + " to " + max);
    }

    private String match(String text, Pattern pattern, String what) {
        if (!pattern.matcher(text).matches()) {
            throw refuse(what + " '" + text + "' is not of the form " + pattern.pattern());
        }
        return text;
    }

    private ImageRefused refuse(String what) {
        return ImageRefused.of(ova, entry, what);
    }
}
