package hvlab.vmm.host;

import hvlab.vmm.network.EthernetFrame;
import hvlab.vmm.network.PcapWriter;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;

/**
 * A capture on one switch port, as {@code tcpdump -i vnet0} on a KVM host: every frame the VM
 * sends (even those the switch then drops) and every frame delivered to it, into a pcap file. The
 * guest cannot tell (paper IV.C.11: the VMM sees all traffic). Frames arrive on the VMs' threads.
 */
final class PortTap {
    private final PcapWriter pcap;
    private final long limit;
    private final CountDownLatch done = new CountDownLatch(1);
    private long frames;
    private IOException failure;

    /** @param limit frames after which the capture ends; 0 for none */
    PortTap(PcapWriter pcap, long limit) {
        this.pcap = pcap;
        this.limit = limit;
    }

    synchronized void frame(byte[] bytes) {
        if (done.getCount() == 0) {
            return;
        }
        try {
            pcap.write(EthernetFrame.parse(bytes), System.currentTimeMillis() * 1000);
            frames++;
        } catch (IllegalArgumentException runt) {
            return; // not an Ethernet frame: the switch dropped it too, and pcap readers would choke
        } catch (IOException e) {
            failure = e;
            done.countDown();
        }
        if (limit > 0 && frames >= limit) {
            done.countDown();
        }
    }

    /** Waits until the limit is reached or {@code nanos} pass (Long.MAX_VALUE: the limit only). */
    boolean await(long nanos) throws InterruptedException {
        if (nanos == Long.MAX_VALUE) {
            done.await();
            return true;
        }
        return done.await(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** Ends the capture and closes the file; the number of frames written. */
    synchronized long finish() throws IOException {
        done.countDown();
        pcap.close();
        if (failure != null) {
            throw failure;
        }
        return frames;
    }
}
