package netdisk.client;

/** Hears how a transfer goes: for progress bars. Called on the transferring thread. */
public interface TransferListener {

    /** Does nothing. */
    TransferListener NONE = new TransferListener() {
        @Override
        public void started(String name, long size, long offset) {
        }

        @Override
        public void advanced(long bytes) {
        }
    };

    /** The content starts moving: {@code size} bytes in all, of which the first {@code offset} are skipped. */
    void started(String name, long size, long offset);

    /** {@code bytes} more moved. */
    void advanced(long bytes);
}
