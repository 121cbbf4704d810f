package netdisk.client;

import java.util.concurrent.atomic.AtomicLong;

/** What a {@link TransferListener} hears: the size and offset it was started with, and the bytes moved. */
final class Heard implements TransferListener {
    long size = -1;
    long offset = -1;
    final AtomicLong moved = new AtomicLong();

    @Override
    public void started(String name, long total, long from) {
        size = total;
        offset = from;
    }

    @Override
    public void advanced(long bytes) {
        moved.addAndGet(bytes);
    }
}
