package hvlab.vmm.image.ova;

/** How far a long export or import has come, in bytes of file data (called often: keep it cheap). */
@FunctionalInterface
public interface Progress {
    Progress NONE = (done, total) -> { };

    void update(long done, long total);
}
