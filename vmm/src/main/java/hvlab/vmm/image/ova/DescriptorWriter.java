package hvlab.vmm.image.ova;

import hvlab.vmm.image.ova.OvfDescriptor.FileRef;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes an {@link OvfDescriptor} as an OVF 2.x Envelope (DSP0243 section 7):
 * <pre>
 *   Envelope
 *     References            one File per file of the package, with its size      (7.1)
 *     DiskSection           the disk and its capacity                             (9.1)
 *     NetworkSection        the network the VM is attached to                     (9.2)
 *     VirtualSystem         the VM                                                 (7.2)
 *       OperatingSystemSection                                                     (9.9)
 *       VirtualHardwareSection: RASD Items for CPU, memory, disk controller,
 *                               disk and network card                           (8)
 *       hvlab:VirtualMachineSection (ovf:required="false"): mode, weight, cap,
 *                               identity, guest, state, encryption             (7.3)
 * </pre>
 * Later issues add the vTPM and the patch level to the hvlab section.
 */
final class DescriptorWriter {
    private DescriptorWriter() {}

    static byte[] write(OvfDescriptor d) {
        try {
            Document doc = DocumentBuilderFactory.newDefaultNSInstance().newDocumentBuilder().newDocument();
            Element envelope = doc.createElementNS(Ovf.NS, "Envelope");
            doc.appendChild(envelope);
            envelope.setAttributeNS(Ovf.XMLNS, "xmlns:ovf", Ovf.NS);
            envelope.setAttributeNS(Ovf.XMLNS, "xmlns:rasd", Ovf.RASD);
            envelope.setAttributeNS(Ovf.XMLNS, "xmlns:vssd", Ovf.VSSD);
            envelope.setAttributeNS(Ovf.XMLNS, "xmlns:hvlab", Ovf.HVLAB);
            envelope.setAttributeNS(Ovf.NS, "ovf:version", "2.0");

            Element references = child(envelope, Ovf.NS, "References");
            for (FileRef file : d.files()) {
                Element f = child(references, Ovf.NS, "File");
                f.setAttributeNS(Ovf.NS, "ovf:id", file.payload().id());
                f.setAttributeNS(Ovf.NS, "ovf:href", file.href());
                f.setAttributeNS(Ovf.NS, "ovf:size", Long.toString(file.size()));
                if (file.encrypted()) {
                    f.setAttributeNS(Ovf.HVLAB, "hvlab:encrypted", "true");
                }
            }

            if (d.diskCapacity() > 0) {
                Element disks = section(envelope, "DiskSection", "The virtual disk, raw");
                Element disk = child(disks, Ovf.NS, "Disk");
                disk.setAttributeNS(Ovf.NS, "ovf:diskId", Ovf.DISK_ID);
                disk.setAttributeNS(Ovf.NS, "ovf:fileRef", OvaLayout.Payload.DISK.id());
                disk.setAttributeNS(Ovf.NS, "ovf:capacity", Long.toString(d.diskCapacity()));
                disk.setAttributeNS(Ovf.NS, "ovf:capacityAllocationUnits", "byte");
                disk.setAttributeNS(Ovf.NS, "ovf:format", Ovf.RAW_DISK_FORMAT);
            }

            Element networks = section(envelope, "NetworkSection", "The network the VM is attached to");
            Element network = child(networks, Ovf.NS, "Network");
            network.setAttributeNS(Ovf.NS, "ovf:name", Ovf.NETWORK);
            text(network, Ovf.NS, "Description", "hvlab's default network");

            Element system = child(envelope, Ovf.NS, "VirtualSystem");
            system.setAttributeNS(Ovf.NS, "ovf:id", d.name());
            text(system, Ovf.NS, "Info", "A virtual machine exported by hvlab");
            text(system, Ovf.NS, "Name", d.name());

            Element os = section(system, "OperatingSystemSection", "The guest operating system");
            os.setAttributeNS(Ovf.NS, "ovf:id", Integer.toString(Ovf.OS_OTHER));
            text(os, Ovf.NS, "Description", "hvlab guest " + d.guest() + " (32-bit x86, bare)");

            hardware(system, d);
            hvlab(system, d);

            return serialize(doc);
        } catch (ParserConfigurationException | TransformerException e) {
            throw new IllegalStateException("cannot write an OVF descriptor: " + e.getMessage(), e);
        }
    }

    /** The VirtualHardwareSection: one RASD Item per device (DSP0243 section 8). */
    private static void hardware(Element system, OvfDescriptor d) {
        long memory = d.memoryBytes();
        boolean mebibytes = memory % (1L << 20) == 0;
        String memoryText = mebibytes ? (memory >> 20) + " MB" : (memory >> 10) + " KB";
        Element hardware = section(system, "VirtualHardwareSection",
                "1 virtual CPU, " + memoryText + " of memory" + (d.diskCapacity() > 0 ? ", a disk" : "") + ", a network card");
        Element vssd = child(hardware, Ovf.NS, "System");
        text(vssd, Ovf.VSSD, "vssd:ElementName", "Virtual Hardware Family");
        text(vssd, Ovf.VSSD, "vssd:InstanceID", "0");
        text(vssd, Ovf.VSSD, "vssd:VirtualSystemIdentifier", d.name());
        text(vssd, Ovf.VSSD, "vssd:VirtualSystemType", "hvlab-1");

        item(hardware, Map.of("ElementName", "1 virtual CPU", "InstanceID", "1",
                "ResourceType", Integer.toString(Ovf.PROCESSOR), "VirtualQuantity", "1"));
        // Memory in MB (byte * 2^20) when it is a whole number of them, else in KB: always exact,
        // since guest RAM is a whole number of 4 KiB pages.
        item(hardware, Map.of("AllocationUnits", mebibytes ? "byte * 2^20" : "byte * 2^10",
                "ElementName", memoryText + " of memory", "InstanceID", "2",
                "ResourceType", Integer.toString(Ovf.MEMORY),
                "VirtualQuantity", Long.toString(mebibytes ? memory >> 20 : memory >> 10)));
        if (d.diskCapacity() > 0) {
            item(hardware, Map.of("Address", "0", "ElementName", "ATA controller", "InstanceID", "3",
                    "ResourceType", Integer.toString(Ovf.IDE_CONTROLLER)));
            item(hardware, Map.of("AddressOnParent", "0", "ElementName", "disk", "HostResource", "ovf:/disk/" + Ovf.DISK_ID,
                    "InstanceID", "4", "Parent", "3", "ResourceType", Integer.toString(Ovf.DISK_DRIVE)));
        }
        item(hardware, Map.of("Address", d.mac(), "AutomaticAllocation", "true", "Connection", Ovf.NETWORK,
                "ElementName", "ethernet0", "InstanceID", "5", "ResourceType", Integer.toString(Ovf.ETHERNET_ADAPTER)));
    }

    /** RASD elements in the order of the CIM schema, which is alphabetical. */
    private static void item(Element hardware, Map<String, String> values) {
        Element item = child(hardware, Ovf.NS, "Item");
        new TreeMap<>(values).forEach((name, value) -> text(item, Ovf.RASD, "rasd:" + name, value));
    }

    /** What OVF has no words for (DSP0243 7.3: an extension section a tool may ignore). */
    private static void hvlab(Element system, OvfDescriptor d) {
        Element section = system.getOwnerDocument().createElementNS(Ovf.HVLAB, "hvlab:VirtualMachineSection");
        system.appendChild(section);
        section.setAttributeNS(Ovf.NS, "ovf:required", "false");
        text(section, Ovf.NS, "Info", "hvlab: what OVF has no words for");
        text(section, Ovf.HVLAB, "hvlab:Uuid", d.uuid());
        text(section, Ovf.HVLAB, "hvlab:Mac", d.mac());
        text(section, Ovf.HVLAB, "hvlab:GenerationId", d.generationId());
        text(section, Ovf.HVLAB, "hvlab:ExecutionMode", d.mode());
        text(section, Ovf.HVLAB, "hvlab:Weight", Integer.toString(d.weight()));
        text(section, Ovf.HVLAB, "hvlab:Cap", Integer.toString(d.cap()));
        text(section, Ovf.HVLAB, "hvlab:Guest", d.guest());
        text(section, Ovf.HVLAB, "hvlab:Created", d.created().toString());
        text(section, Ovf.HVLAB, "hvlab:State", d.state());
        text(section, Ovf.HVLAB, "hvlab:ClosedBox", Boolean.toString(d.machine().closedBox()));
        text(section, Ovf.HVLAB, "hvlab:Apic", Boolean.toString(d.machine().apic()));
        text(section, Ovf.HVLAB, "hvlab:Keyboard", Boolean.toString(d.machine().keyboard()));
        if (d.encryption() != null) {
            OvfDescriptor.Encryption e = d.encryption();
            Element encryption = child(section, Ovf.HVLAB, "hvlab:Encryption");
            encryption.setAttributeNS(Ovf.HVLAB, "hvlab:cipher", OvfDescriptor.Encryption.CIPHER);
            encryption.setAttributeNS(Ovf.HVLAB, "hvlab:segmentBytes", Integer.toString(e.segmentBytes()));
            encryption.setAttributeNS(Ovf.HVLAB, "hvlab:kdf", OvfDescriptor.Encryption.KDF);
            encryption.setAttributeNS(Ovf.HVLAB, "hvlab:iterations", Integer.toString(e.iterations()));
            encryption.setAttributeNS(Ovf.HVLAB, "hvlab:salt", Base64.getEncoder().encodeToString(e.salt()));
            encryption.setAttributeNS(Ovf.HVLAB, "hvlab:keyCheck", Base64.getEncoder().encodeToString(e.keyCheck()));
        }
    }

    private static Element section(Element parent, String name, String info) {
        Element section = child(parent, Ovf.NS, name);
        text(section, Ovf.NS, "Info", info);
        return section;
    }

    private static Element child(Element parent, String ns, String name) {
        Element element = parent.getOwnerDocument().createElementNS(ns, name);
        parent.appendChild(element);
        return element;
    }

    private static void text(Element parent, String ns, String name, String value) {
        child(parent, ns, name).setTextContent(value);
    }

    private static byte[] serialize(Document doc) throws TransformerException {
        TransformerFactory factory = TransformerFactory.newInstance();
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
        Transformer transformer = factory.newTransformer();
        transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
        transformer.setOutputProperty(OutputKeys.INDENT, "yes");
        transformer.setOutputProperty("{http://xml.apache.org/xslt}indent-amount", "2");
        doc.setXmlStandalone(true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        transformer.transform(new DOMSource(doc), new StreamResult(out));
        return out.toByteArray();
    }
}
