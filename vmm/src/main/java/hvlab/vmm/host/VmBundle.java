package hvlab.vmm.host;

import hvlab.vmm.snapshot.PageSet;

import java.nio.file.Path;
import java.util.List;

/**
 * A whole VM, taken out of its host at one consistent moment: what an image export, a backup or
 * a migration carries (paper IV.B.1: a VM stored as an image is data plus metadata, and anyone
 * holding it can read or change both). Produced by {@code Host.capture}, taken in by
 * {@code Host.install}.
 *
 * @param definition the VM's configuration and identity
 * @param image      the guest image it boots
 * @param disk       its disk as one raw file (copy-on-write layers flattened), or null for none;
 *                   a temporary file the receiver may move or delete
 * @param machine    its machine state (the JSON of {@link hvlab.vmm.state.VmStateCodec}) if it
 *                   was running or paused, null if it was shut off
 * @param memory     its RAM, a full page set, when {@code machine} is there
 * @param paused     whether it was paused (else running) when captured, when {@code machine} is there
 * @param history    its history, JSON lines, oldest first
 */
public record VmBundle(VmDefinition definition, byte[] image, Path disk, byte[] machine, PageSet memory, boolean paused,
                       List<String> history) {
    public VmBundle {
        image = image.clone();
        machine = machine == null ? null : machine.clone();
        history = List.copyOf(history);
        if ((machine == null) != (memory == null)) {
            throw new IllegalArgumentException("a machine state comes with its memory, and memory with its machine state");
        }
    }

    @Override
    public byte[] image() {
        return image.clone();
    }

    @Override
    public byte[] machine() {
        return machine == null ? null : machine.clone();
    }
}
