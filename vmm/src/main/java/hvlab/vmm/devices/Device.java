package hvlab.vmm.devices;

/**
 * A piece of the virtual machine's hardware that has state of its own. Every device carries its
 * save and restore beside it (Firecracker's {@code Persist} idea, one device, one file, as in
 * kvmtool), so the VMM can capture a whole machine without knowing any device's insides, and
 * snapshots, migration and replay are built from these.
 */
public interface Device {
    /** A short, stable name: the key of this device's state in a saved VM ("com1", "pit"). */
    String id();

    /** Everything the device would need to carry on exactly, as plain data. */
    DeviceState save();

    /** Takes up the state {@link #save()} produced (on this or a freshly built device of the same kind). */
    void restore(DeviceState state);

    /** For {@link #restore}: the state as the record this device saves, or a clear error. */
    static <S extends DeviceState> S expect(Class<S> type, DeviceState state, String id) {
        if (!type.isInstance(state)) {
            throw new IllegalArgumentException("device " + id + " cannot take the state of "
                    + (state == null ? "nothing" : state.getClass().getSimpleName()));
        }
        return type.cast(state);
    }
}
