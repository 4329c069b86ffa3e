package hvlab.vmm.host;

import java.util.List;
import java.util.function.Consumer;

/**
 * What the management language can ask of a host (paper IV.C.13, VM management; IV.C.10, power
 * functions). This is the border between the command layer and the machine: an in-process
 * {@link Host} implements it today; a host in another process, reached over the network, will
 * implement it later, and the same commands will drive both.
 *
 * <p>Every method either does what it says or throws {@link HostException} with one line a
 * person can act on ("no VM named 'web'", "cannot pause 'web': it is shut off"). Nothing half
 * done is left behind.
 */
public interface HostControl {

    /** The host's name ({@code local} for the host of the current process). */
    String name();

    /** Defines a new VM (stored at once, not started). */
    VmInfo create(VmSpec spec);

    /** A power or lifecycle action on {@code vm}; {@code actor} says who asked (for the event log). */
    VmInfo act(String vm, PowerAction action, String actor);

    List<VmInfo> list();

    VmInfo info(String vm);

    /** What the VM's console shows after the first {@code since} bytes (0 for all that is kept). */
    ConsoleOutput console(String vm, long since);

    /** Types {@code bytes} into the VM's serial port. */
    void send(String vm, byte[] bytes);

    /**
     * The whole VM at one consistent moment: definition, image, flattened disk and, if it runs,
     * its machine and memory. The VM is held only as long as the capture takes.
     */
    VmBundle capture(String vm);

    /**
     * Takes in a captured VM as {@code name} (null: its own name); {@code event} names why in its
     * history ("import", "restore"). It keeps its identity; a VM here with the same one is flagged.
     */
    VmInfo install(VmBundle bundle, String name, String actor, String event);

    /** Takes a snapshot of {@code vm} named {@code snapshot}; a running VM stops only while it is captured. */
    SnapshotInfo snapshot(String vm, String snapshot, String actor);

    /** The VM's snapshots, oldest first; {@link SnapshotInfo#parent()} makes them a tree. */
    List<SnapshotInfo> snapshots(String vm);

    /** Brings the VM back to the snapshot's state, running if it was running when taken; a new generation ID. */
    VmInfo revert(String vm, String snapshot, String actor);

    /** Deletes a snapshot; its children keep what they need of it. */
    void deleteSnapshot(String vm, String snapshot, String actor);

    /** A full copy of {@code vm} that is a different machine: new UUID, MAC and generation ID. */
    VmInfo cloneVm(String vm, String newName, String actor);

    /**
     * The VM's trap log: sampled records of its exits, each with the guest's instruction and what
     * the VMM did, those numbered above {@code afterSeq}: of the running VM, else of its last run
     * (empty for a VM that never ran here).
     */
    TrapLogReport trapLog(String vm, long afterSeq);

    /** The first traps the VM's log kept in its run: its boot, trap by trap. By default: none kept. */
    default TrapLogReport bootTraps(String vm) {
        return TrapLogReport.NONE;
    }

    /** The VM's history, one JSON object a line, oldest first. */
    List<String> history(String vm);

    /** Appends an event to the VM's history (an export or a backup made outside the host). */
    void record(String vm, String event, java.util.Map<String, ?> details);

    /** Notes a management command, who gave it and how it ended, in the host's secure log. */
    default void audit(String actor, String command, String outcome) {
    }

    /**
     * Introspection of a running or paused VM, or an intervention in it (paper IV.C.7, IV.C.9);
     * the VM is held off the CPU while the request is answered.
     */
    /**
     * The VM's text screen as a monitor would show it: 25 lines of 80 characters from the CGA
     * buffer at 0xB8000 (output the guest chose to show, as its console is: no introspection).
     */
    default List<String> screen(String vm) {
        throw new HostException("host '" + name() + "' cannot show a VM's screen");
    }

    default hvlab.vmm.vmi.VmiResult vmi(String vm, hvlab.vmm.vmi.VmiRequest request, String actor) {
        throw new HostException("host '" + name() + "' offers no introspection");
    }

    /**
     * Serves the GDB Remote Serial Protocol for {@code vm} on {@code port} of the loopback
     * interface (0: any free port) until the host ends; returns the port. Each gdb that connects
     * stops the VM and debugs its guest kernel; a closed-box VM refuses.
     */
    default int serveGdb(String vm, int port, String actor) {
        throw new HostException("host '" + name() + "' offers no debugger");
    }

    /** The host's secure log, oldest first. */
    default List<hvlab.vmm.log.LogRecord> secureLog() {
        throw new HostException("host '" + name() + "' keeps no secure log here");
    }

    /** Checks the host's secure log from its first record to its signed tip. */
    default hvlab.vmm.log.LogVerifier.Verdict verifySecureLog() {
        throw new HostException("host '" + name() + "' keeps no secure log here");
    }

    /**
     * The PCRs and event log of {@code target}: this host's TPM when it is the host's name, else the
     * vTPM of the VM of that name (paper IV.A.2 and Berger's vTPM).
     */
    default TpmReport tpm(String target) {
        throw new HostException("host " + name() + " has no TPM");
    }

    /**
     * Attests {@code target} (the host, or a VM by a deep quote) with {@code nonce} and, if not null,
     * {@code policy} instead of the recorded reference measurements (paper IV.C.8).
     */
    default AttestationReport attest(String target, byte[] nonce, hvlab.vmm.attestation.ReferencePolicy policy) {
        throw new HostException("host " + name() + " has no TPM");
    }

    /**
     * Takes the measurements of {@code target} as they are now as its reference from here on (after
     * an honest update of the VMM or of a VM's image): the recorded reference is replaced.
     */
    default hvlab.vmm.attestation.ReferencePolicy acceptMeasurements(String target) {
        throw new HostException("host " + name() + " has no TPM");
    }

    /** The host's virtual switch and its private networks (paper IV.C.11). */
    default ReplayControl replay() {
        throw new HostException("host " + name() + " cannot record or replay VMs");
    }

    default NetworkControl network() {
        throw new HostException("host " + name() + " has no virtual network");
    }

    /** The rate limits on {@code vm}'s disk (unlimited when none were set). */
    default hvlab.vmm.devices.PlatformOptions.DiskLimits diskLimits(String vm) {
        throw new HostException("host " + name() + " cannot limit disks");
    }

    /** Keeps new limits for {@code vm}'s disk; a machine built from now on (a start, a revert) gets them. */
    default hvlab.vmm.devices.PlatformOptions.DiskLimits limitDisk(String vm, hvlab.vmm.devices.PlatformOptions.DiskLimits limits,
                                                                 String actor) {
        throw new HostException("host " + name() + " cannot limit disks");
    }

    /** Calls {@code listener} with every lifecycle event from now on, on the host's own thread. */
    AutoCloseable subscribe(Consumer<LifecycleEvent> listener);
}
