package netdisk.server.pool;

import java.io.IOException;

import netdisk.server.linux.Libc;

/**
 * One end of a master↔worker socketpair: sends and receives {@link ControlMessage}s, with an fd attached to
 * {@link ControlMessage.HandOff}s. Sends are serialised; one thread receives.
 */
public final class ControlSocket implements AutoCloseable {

    /** A received message and the fd that came with it (-1 if none). The receiver owns the fd. */
    public record Received(ControlMessage message, int fd) {
    }

    private final int fd;
    private final Object sendLock = new Object();
    private volatile boolean closed;

    public ControlSocket(int fd) {
        this.fd = fd;
    }

    public int fd() {
        return fd;
    }

    /** Sends {@code message}, passing {@code passedFd} with it when {@code >= 0} (the caller keeps its copy). */
    public void send(ControlMessage message, int passedFd) throws IOException {
        byte[] bytes = ControlMessage.encode(message);
        synchronized (sendLock) {
            if (closed) {
                throw new IOException("control socket closed");
            }
            Libc.sendMessage(fd, bytes, passedFd);
        }
    }

    /**
     * Blocks for the next message; {@code null} when the other side is gone (end of stream).
     *
     * @throws IOException on a read error, or a stream that ends or goes wrong in the middle of a message
     */
    public Received receive() throws IOException {
        byte[] bytes = new byte[ControlMessage.LENGTH];
        int filled = 0;
        int passed = -1;
        try {
            while (filled < bytes.length) {
                Libc.Received r = Libc.receiveMessage(fd, bytes, filled, bytes.length - filled);
                if (r.fd() >= 0) {
                    if (passed >= 0) {
                        Libc.closeQuietly(r.fd());
                        throw new IOException("two descriptors for one control message");
                    }
                    passed = r.fd();
                }
                if (r.length() == 0) {
                    if (filled == 0) {
                        return null;
                    }
                    throw new IOException("control socket closed in the middle of a message");
                }
                filled += r.length();
            }
            ControlMessage message = ControlMessage.decode(bytes);
            if ((message instanceof ControlMessage.HandOff) != (passed >= 0)) {
                throw new IOException("control message " + message + " arrived with fd " + passed);
            }
            Received received = new Received(message, passed);
            passed = -1;
            return received;
        } catch (IllegalArgumentException e) {
            throw new IOException("bad control message: " + e.getMessage(), e);
        } finally {
            Libc.closeQuietly(passed);
        }
    }

    @Override
    public void close() {
        synchronized (sendLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        Libc.closeQuietly(fd);
    }
}
