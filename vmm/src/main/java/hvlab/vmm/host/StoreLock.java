package hvlab.vmm.host;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Which process runs the VMs of a store. Two processes may look at one store at once ({@code hv vm
 * list} beside a running {@code hv shell}), but only one may run machines from it: two would both
 * write a VM's disk, its saved state and its snapshots. The first host to start a VM takes an
 * exclusive lock on {@code STORE/.running} (the kernel releases it when the process ends, even
 * by SIGKILL) and keeps it while it is open; another process is refused with the holder's pid.
 */
final class StoreLock implements AutoCloseable {
    static final String FILE = ".running";

    private final Path file;
    private FileChannel channel;
    private FileLock lock;

    StoreLock(Path storeRoot) {
        this.file = storeRoot.resolve(FILE);
    }

    /** Takes the lock for this host if it does not hold it yet; refuses {@code vm}'s start if another process does. */
    synchronized void claim(String vm) {
        if (lock != null) {
            return;
        }
        try {
            FileChannel opened = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock taken;
            try {
                taken = opened.tryLock();
            } catch (OverlappingFileLockException sameProcess) {
                taken = null;
            }
            if (taken == null) {
                opened.close();
                throw new HostException("cannot start '" + vm + "': another hv process (" + holder()
                        + ") runs the VMs of this store; use that one, or stop it first");
            }
            opened.truncate(0);
            opened.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            channel = opened;
            lock = taken;
        } catch (IOException e) {
            throw new HostException("cannot lock the store to run '" + vm + "': " + VmStore.reason(e));
        }
    }

    private String holder() {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "pid unknown" : text;
        } catch (IOException e) {
            return "pid unknown";
        }
    }

    @Override
    public synchronized void close() {
        try {
            if (lock != null) {
                lock.release();
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // the kernel drops the lock with the process anyway
        }
        lock = null;
        channel = null;
    }
}
