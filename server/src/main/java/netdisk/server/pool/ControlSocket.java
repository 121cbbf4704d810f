package netdisk.server.pool;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import netdisk.server.linux.Libc;

/**
 * One end of a master↔worker socketpair: sends and receives {@link ControlMessage}s, with an fd attached to
 * {@link ControlMessage.HandOff}s. Sends are serialised; one thread receives, with {@link #receive()} on the worker's
 * side (one message per {@code recvmsg}, so that each passed fd goes with its own message) or {@link #receivePlain()}
 * on the master's, which is never passed an fd.
 */
public final class ControlSocket implements AutoCloseable {

    /** A received message and the fd that came with it (-1 if none). The receiver owns the fd. */
    public record Received(ControlMessage message, int fd) {
    }

    /** What {@link #receivePlain()} can take in one {@code recvmsg}: 64 messages. */
    private static final int PLAIN_BATCH = 64 * ControlMessage.LENGTH;

    private final int fd;
    private final Object sendLock = new Object();
    /** Messages read by {@link #receivePlain()} and not handed out yet: bytes {@code plainStart..plainEnd-1}. */
    private byte[] plain;
    private int plainStart;
    private int plainEnd;
    private volatile boolean closed;

    public ControlSocket(int fd) {
        this.fd = fd;
    }

    public int fd() {
        return fd;
    }

    /** Sends {@code message}, passing {@code passedFd} with it when {@code >= 0} (the caller keeps its copy). */
    public void send(ControlMessage message, int passedFd) throws IOException {
        sendBytes(ControlMessage.encode(message), passedFd);
    }

    /**
     * Sends {@code messages}, no fd with them, as few {@code sendmsg} calls as {@link #receivePlain()} takes them in
     * (64 messages each: small enough that no call sends part of its bytes); the reader takes them one by one.
     */
    public void sendAll(List<ControlMessage> messages) throws IOException {
        int perCall = PLAIN_BATCH / ControlMessage.LENGTH;
        for (int from = 0; from < messages.size(); from += perCall) {
            List<ControlMessage> some = messages.subList(from, Math.min(messages.size(), from + perCall));
            byte[] bytes = new byte[some.size() * ControlMessage.LENGTH];
            for (int i = 0; i < some.size(); i++) {
                System.arraycopy(ControlMessage.encode(some.get(i)), 0, bytes, i * ControlMessage.LENGTH,
                        ControlMessage.LENGTH);
            }
            sendBytes(bytes, -1);
        }
    }

    private void sendBytes(byte[] bytes, int passedFd) throws IOException {
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

    /**
     * As {@link #receive()}, for the side that is never passed an fd (the master's): one {@code recvmsg} takes as many
     * messages as have arrived, and they are handed out one by one. With a new connection per download, the
     * {@code worker-N-events} threads' {@code recvmsg} of "session ended" messages was 37 % of the master's CPU in a
     * profile; reading what has arrived together made it 0.64 calls per connection instead of 1 (counted with
     * strace).
     *
     * @throws IOException on a read error, a stream that ends in the middle of a message, a malformed message, or an
     *     fd passed along (closed at once)
     */
    public ControlMessage receivePlain() throws IOException {
        if (plain == null) {
            plain = new byte[PLAIN_BATCH];
        }
        if (plainEnd - plainStart < ControlMessage.LENGTH) {
            System.arraycopy(plain, plainStart, plain, 0, plainEnd - plainStart);
            plainEnd -= plainStart;
            plainStart = 0;
            while (plainEnd < ControlMessage.LENGTH) {
                Libc.Received r = Libc.receiveMessage(fd, plain, plainEnd, plain.length - plainEnd);
                if (r.fd() >= 0) {
                    Libc.closeQuietly(r.fd());
                    throw new IOException("an fd came with a control message to the side that is never passed one");
                }
                if (r.length() == 0) {
                    if (plainEnd == 0) {
                        return null;
                    }
                    throw new IOException("control socket closed in the middle of a message");
                }
                plainEnd += r.length();
            }
        }
        byte[] bytes = Arrays.copyOfRange(plain, plainStart, plainStart + ControlMessage.LENGTH);
        plainStart += ControlMessage.LENGTH;
        try {
            return ControlMessage.decode(bytes);
        } catch (IllegalArgumentException e) {
            throw new IOException("bad control message: " + e.getMessage(), e);
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
