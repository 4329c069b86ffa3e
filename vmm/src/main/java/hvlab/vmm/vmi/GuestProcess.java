package hvlab.vmm.vmi;

/** One process as introspection reads it from the guest kernel's own table, with no help from the guest. */
public record GuestProcess(int slot, int pid, String state, String name, long pageDirectory, int parentPid) {
    public String describe() {
        return String.format("%5d %5d %-9s %-16s cr3 %08x", pid, parentPid, state, name, pageDirectory);
    }
}
