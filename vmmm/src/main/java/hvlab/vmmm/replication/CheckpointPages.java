package hvlab.vmmm.replication;

import hvlab.vmm.snapshot.PageSet;
import hvlab.vmmm.protocol.Codec;
import hvlab.vmmm.protocol.Frames;
import hvlab.vmmm.protocol.Message.Pages;

import java.io.IOException;
import java.util.List;

/** A checkpoint's pages on the wire: {@link Pages} messages of epoch {@code epoch}, at most {@link Codec#MAX_PAGES_PER_MESSAGE} pages each. */
public final class CheckpointPages {
    private CheckpointPages() {}

    /** Sends {@code pages}; returns the bytes of RAM they carried. */
    public static long send(Frames link, int epoch, PageSet pages) throws IOException {
        List<Integer> numbers = pages.pageNumbers();
        for (int from = 0; from < numbers.size(); from += Codec.MAX_PAGES_PER_MESSAGE) {
            int count = Math.min(Codec.MAX_PAGES_PER_MESSAGE, numbers.size() - from);
            int[] batch = new int[count];
            byte[] data = new byte[count * Codec.PAGE];
            for (int i = 0; i < count; i++) {
                batch[i] = numbers.get(from + i);
                System.arraycopy(pages.page(batch[i]), 0, data, i * Codec.PAGE, Codec.PAGE);
            }
            link.send(new Pages(epoch, batch, data));
        }
        return (long) numbers.size() * Codec.PAGE;
    }
}
