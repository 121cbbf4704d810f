package netdisk.server.worker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Sends a file region to a socket with {@code sendfile} (through {@link FileChannel#transferTo}), from a virtual
 * thread.
 *
 * <p>A virtual thread's socket is non-blocking underneath, so when the socket buffer is full {@code transferTo} returns
 * 0 instead of waiting. Then one small chunk goes through an ordinary {@code write}, which parks the virtual thread
 * until the socket drains, and {@code sendfile} takes over again. Only those chunks are copied through the JVM; the
 * counts are kept so that tests and benchmarks can see how much went each way.
 */
final class FileSender {

    static final long SENDFILE_CHUNK = 1L << 30;
    private static final int FALLBACK_CHUNK = 64 * 1024;

    private long zeroCopied;
    private long copied;
    private ByteBuffer fallback;

    /** Sends {@code [position, end)} of {@code file} to {@code socket}; returns how far it got (== end unless the file shrank). */
    long send(FileChannel file, long position, long end, TimedSocket socket) throws IOException {
        while (position < end) {
            long sent = socket.sendFile(file, position, Math.min(end - position, SENDFILE_CHUNK));
            if (sent > 0) {
                position += sent;
                zeroCopied += sent;
                continue;
            }
            int copiedNow = copyOneChunk(file, position, end, socket);
            if (copiedNow < 0) {
                return position; // end of file before the end: it shrank
            }
            position += copiedNow;
            copied += copiedNow;
        }
        return position;
    }

    private int copyOneChunk(FileChannel file, long position, long end, TimedSocket socket) throws IOException {
        if (fallback == null) {
            fallback = ByteBuffer.allocateDirect(FALLBACK_CHUNK);
        }
        fallback.clear().limit((int) Math.min(FALLBACK_CHUNK, end - position));
        int read = file.read(fallback, position);
        if (read <= 0) {
            return -1;
        }
        fallback.flip();
        while (fallback.hasRemaining()) {
            socket.write(fallback); // parks the virtual thread until the socket takes it
        }
        return read;
    }

    long zeroCopied() {
        return zeroCopied;
    }

    long copied() {
        return copied;
    }
}
