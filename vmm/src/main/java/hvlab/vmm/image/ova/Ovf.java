package hvlab.vmm.image.ova;

/**
 * The vocabulary of an OVF 2.x descriptor (DMTF DSP0243) as hvlab uses it: namespaces, and the
 * CIM resource types that name virtual hardware in a VirtualHardwareSection.
 *
 * <p>OVF describes hardware with CIM "resource allocation setting data" (RASD, DMTF DSP1041):
 * each {@code Item} is one device, its {@code rasd:ResourceType} says what kind, and
 * {@code rasd:VirtualQuantity} with {@code rasd:AllocationUnits} says how much. Units are
 * written in DMTF's programmatic units (DSP0004 annex C): {@code byte * 2^20} is a mebibyte.
 */
final class Ovf {
    private Ovf() {}

    /** OVF 2.x envelope namespace (DSP8023, the OVF 2 schema). */
    static final String NS = "http://schemas.dmtf.org/ovf/envelope/2";
    static final String RASD = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData";
    static final String VSSD = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData";
    /**
     * hvlab's own namespace, for what OVF has no words for. OVF lets a descriptor carry sections
     * of other namespaces (DSP0243 7.3, extensibility); {@code ovf:required="false"} tells a tool
     * that does not know them that it may go on without them.
     */
    static final String HVLAB = "urn:hvlab:ovf:1";
    static final String XMLNS = "http://www.w3.org/2000/xmlns/";

    /** CIM_ResourceAllocationSettingData.ResourceType values (DSP1041). */
    static final int PROCESSOR = 3;
    static final int MEMORY = 4;
    static final int IDE_CONTROLLER = 5;
    static final int ETHERNET_ADAPTER = 10;
    static final int DISK_DRIVE = 17;

    /** CIM_OperatingSystem.OsType 1, "Other": hvlab guests are bare kernels of their own. */
    static final int OS_OTHER = 1;

    /**
     * A disk's format is named by a URI (DSP0243 5.2); there is no standard one for a raw image,
     * so hvlab names its own.
     */
    static final String RAW_DISK_FORMAT = "urn:hvlab:disk-format:raw";

    /** The one network an hvlab VM is attached to until networking arrives. */
    static final String NETWORK = "hvlab-default";
    static final String DISK_ID = "vmdisk1";
}
