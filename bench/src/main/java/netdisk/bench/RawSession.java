package netdisk.bench;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.MessageDigest;

import netdisk.protocol.ErrorReply;
import netdisk.protocol.FileInfo;
import netdisk.protocol.Frame;
import netdisk.protocol.FrameEncoder;
import netdisk.protocol.FrameReader;
import netdisk.protocol.GetFile;
import netdisk.protocol.Hello;
import netdisk.protocol.Login;
import netdisk.protocol.LoginOk;
import netdisk.protocol.Message;
import netdisk.protocol.Sha256;
import netdisk.protocol.Welcome;

/**
 * A lean netdisk session over a blocking {@link SocketChannel}, written with the protocol module alone: what a
 * client that only downloads small files needs, and no more (no watchdog thread, no background hashing, buffers
 * reused from one download to the next). It can send several {@link GetFile} requests before reading their answers:
 * the server answers in order, each {@link FileInfo} followed by its raw content, so the answers are read in the
 * order the requests went.
 *
 * <pre>
 * client                                  server
 *   | -- Hello -------------------------->  |   (or, {@link #openAndGet}: Hello, Login and one GetFile at once)
 *   | <------------------------- Welcome -- |
 *   | -- Login(user, method, secret) ---->  |
 *   | <------------------------- LoginOk -- |
 *   | -- GetFile(path, 0) × k ----------->  |   k = 1, or up to the window when pipelining
 *   | <---- FileInfo(name, n, 0, sha) ----- |   then n raw bytes; once per GetFile, in order
 * </pre>
 *
 * Not thread-safe: one thread per session.
 */
final class RawSession implements AutoCloseable {

    private static final ByteBuffer HELLO =
            FrameEncoder.encode(new Frame(1, Hello.current("netdisk-bench/smallfiles")));

    private final SocketChannel channel;
    private final FrameReader reader;
    private final MessageDigest digest = Sha256.newDigest();
    private ByteBuffer requests = ByteBuffer.allocate(1024);
    private ByteBuffer content = ByteBuffer.allocate(8192);
    private int nextRequestId = 2;

    private RawSession(SocketChannel channel) {
        this.channel = channel;
        this.reader = new FrameReader(channel);
    }

    /** Connects and does the handshake: Hello, then nothing else until the Welcome. */
    static RawSession open(InetSocketAddress address) throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.connect(address);
            var session = new RawSession(channel);
            session.writeFully(HELLO.duplicate());
            session.expect(Welcome.class, "Hello");
            return session;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Connects, and sends Hello, Login and one GetFile of {@code path} in one write, as protocol 1.3 allows a client
     * that knows the server (requests right behind the Hello); then reads the Welcome and the LoginOk. The GetFile's
     * answer is left for {@link #receiveFile}.
     */
    static RawSession openAndGet(InetSocketAddress address, String user, int method, String secret, String path)
            throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.connect(address);
            var session = new RawSession(channel);
            ByteBuffer login = FrameEncoder.encode(new Frame(session.nextRequestId++, new Login(user, method, secret)));
            ByteBuffer get = FrameEncoder.encode(new Frame(session.nextRequestId++, new GetFile(path, 0)));
            session.writeFully(ByteBuffer.allocate(HELLO.remaining() + login.remaining() + get.remaining())
                    .put(HELLO.duplicate()).put(login).put(get).flip());
            session.expect(Welcome.class, "Hello");
            session.expect(LoginOk.class, "Login");
            return session;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Logs in with {@link Login#TOKEN} or {@link Login#TICKET} and waits for the {@link LoginOk}. */
    void login(String user, int method, String secret) throws IOException {
        writeFully(FrameEncoder.encode(new Frame(nextRequestId++, new Login(user, method, secret))));
        expect(LoginOk.class, "Login");
    }

    /** Sends {@code count} GetFile requests for {@code path} in one write, without waiting for any answer. */
    void sendGets(String path, int count) throws IOException {
        requests.clear();
        for (int i = 0; i < count; i++) {
            Frame frame = new Frame(nextRequestId++, new GetFile(path, 0));
            ByteBuffer encoded = FrameEncoder.encode(frame);
            if (requests.remaining() < encoded.remaining()) {
                requests = ByteBuffer.allocate(Math.max(2 * requests.capacity(), requests.position()
                        + encoded.remaining())).put(requests.flip());
            }
            requests.put(encoded);
        }
        writeFully(requests.flip());
    }

    /**
     * Reads the answer to the oldest GetFile not yet answered: its FileInfo and content, hashed; fails unless the
     * content has {@code size} bytes and hashes to {@code sha256}, as announced.
     */
    void receiveFile(long size, String sha256) throws IOException {
        FileInfo info = expect(FileInfo.class, "GetFile");
        if (info.offset() != 0 || info.size() != size || !info.sha256().equals(sha256)) {
            throw new IOException("unexpected FileInfo " + info + ", expected " + size + " bytes with SHA-256 "
                    + sha256);
        }
        if (content.capacity() < size) {
            content = ByteBuffer.allocate(Math.toIntExact(size));
        }
        content.clear().limit(Math.toIntExact(size));
        reader.readBuffered(content);
        while (content.hasRemaining()) {
            if (channel.read(content) < 0) {
                throw new EOFException("the server closed the connection after " + content.position() + " of "
                        + size + " bytes");
            }
        }
        digest.update(content.flip());
        String got = Sha256.hex(digest.digest());
        if (!got.equals(sha256)) {
            throw new IOException("the content hashes to " + got + ", the server announced " + sha256);
        }
    }

    private <T extends Message> T expect(Class<T> type, String request) throws IOException {
        Frame frame = reader.read();
        if (frame == null) {
            throw new EOFException("the server closed the connection instead of answering " + request);
        }
        Message answer = frame.message();
        if (answer instanceof ErrorReply error) {
            throw new RefusedException(request, error);
        }
        if (!type.isInstance(answer)) {
            throw new IOException("unexpected answer to " + request + ": " + answer);
        }
        return type.cast(answer);
    }

    private void writeFully(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** The server answered a request with an {@link ErrorReply}. */
    static final class RefusedException extends IOException {
        private final transient ErrorReply reply;

        RefusedException(String request, ErrorReply reply) {
            super("the server answered " + request + " with " + reply);
            this.reply = reply;
        }

        ErrorReply reply() {
            return reply;
        }
    }
}
