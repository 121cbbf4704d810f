package netdisk.server.master;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

import netdisk.protocol.ErrorCode;
import netdisk.protocol.ErrorReply;
import netdisk.protocol.Frame;
import netdisk.protocol.FrameEncoder;
import netdisk.server.pool.Connection;

/**
 * Answers a connection the server will not serve with a protocol error, so that no client ever sees a bare close.
 *
 * <p>The client may already have sent its Hello. Closing a socket with unread input makes the kernel send a reset,
 * which can destroy the error frame before the client reads it; so the rejecter half-closes after the frame, reads
 * and discards what the client sends until it closes (or a short linger expires), and only then closes.
 */
final class Rejecter {

    private static final int LINGER_MILLIS = 2_000;

    private Rejecter() {
    }

    /** Rejects {@code connection} on a virtual thread of its own; never blocks the caller. */
    static void reject(Connection connection, ErrorCode code, String message) {
        Thread.ofVirtual().name("reject-" + connection.id()).start(() -> answerAndClose(connection.channel(), code,
                message));
    }

    private static void answerAndClose(SocketChannel channel, ErrorCode code, String message) {
        try (channel) {
            ByteBuffer frame = FrameEncoder.encode(new Frame(0, ErrorReply.of(code, message)));
            while (frame.hasRemaining()) {
                channel.write(frame);
            }
            channel.shutdownOutput();
            channel.socket().setSoTimeout(LINGER_MILLIS);
            InputStream in = channel.socket().getInputStream();
            byte[] sink = new byte[512];
            long deadline = System.nanoTime() + LINGER_MILLIS * 1_000_000L;
            while (in.read(sink) >= 0 && System.nanoTime() < deadline) {
                // discard: only the client's close matters
            }
        } catch (SocketTimeoutException e) {
            // the client kept the connection open: close it anyway
        } catch (IOException e) {
            // the client left first: nothing more to say to it
        }
    }
}
