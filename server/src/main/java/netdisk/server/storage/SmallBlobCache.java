package netdisk.server.storage;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The contents of small blobs kept in memory, within a budget of bytes, the least recently used dropped first: what a
 * worker serves most often costs no {@code open}, {@code read} and {@code close} of its blob file.
 *
 * <p>An entry is never stale: a blob is named after its content and never rewritten, so the content under a name is
 * the same whether it comes from here or from the file. A blob deleted since (no file refers to it any more) is simply
 * not asked for again, and ages out. Thread-safe; the lock is held only to look up, insert and evict.
 */
public final class SmallBlobCache {

    private final long budget;
    private final int largest;
    private final LinkedHashMap<String, byte[]> entries = new LinkedHashMap<>(256, 0.75f, true);
    private long bytes;

    /**
     * @param budget  the most bytes of content kept (0: nothing is kept)
     * @param largest the largest content kept, in bytes
     */
    public SmallBlobCache(long budget, int largest) {
        if (budget < 0 || largest < 0) {
            throw new IllegalArgumentException("negative budget " + budget + " or largest " + largest);
        }
        this.budget = budget;
        this.largest = largest;
    }

    /** Whether a blob of {@code size} bytes may be kept here. */
    public boolean keeps(long size) {
        return size <= largest && size <= budget;
    }

    /**
     * The content of {@code blob} if it is kept here and has the blob's size, else {@code null}. The array is shared:
     * callers must not change it.
     */
    public synchronized byte[] get(BlobId blob) {
        byte[] content = entries.get(blob.sha256());
        return content != null && content.length == blob.size() ? content : null;
    }

    /**
     * Keeps {@code content} as that of {@code blob}, dropping the least recently used entries as needed; content
     * larger than {@link #keeps} allows, or not of the blob's size, is not kept. The array is kept as it is: callers
     * must not change it afterwards.
     */
    public synchronized void put(BlobId blob, byte[] content) {
        if (!keeps(content.length) || content.length != blob.size()) {
            return;
        }
        byte[] previous = entries.put(blob.sha256(), content);
        bytes += content.length - (previous == null ? 0 : previous.length);
        var eldest = entries.entrySet().iterator();
        while (bytes > budget) {
            Map.Entry<String, byte[]> entry = eldest.next();
            bytes -= entry.getValue().length;
            eldest.remove();
        }
    }

    /** The bytes of content kept now. */
    public synchronized long bytes() {
        return bytes;
    }

    /** How many contents are kept now. */
    public synchronized int size() {
        return entries.size();
    }
}
