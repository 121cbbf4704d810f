package netdisk.server.worker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import netdisk.protocol.Frame;
import netdisk.protocol.FrameReader;
import netdisk.protocol.FrameWriter;
import netdisk.protocol.Message;
import netdisk.protocol.MessageType;
import netdisk.server.audit.AuditLog;

/**
 * A session's connection as request handlers see it: frames both ways, the socket itself for file content, and the
 * connection's audit lines (null when the session serves nothing: no services).
 */
record SessionIo(TimedSocket socket, FrameReader reader, FrameWriter writer, AuditLog.Lines auditLines) {

    /** Room for the pipelined requests a client may send ahead: a megabyte, the largest frame. */
    private static final int PIPELINE_BUFFER = 1 << 20;

    /**
     * Requests of {@code type} (at most {@code max}) that the client sent right behind the one being served and that
     * have arrived already: whatever the socket holds is read without waiting. Only while part of a next frame is
     * buffered, so that a session between requests never reads here (its idle tracking stays true).
     */
    List<Frame> pipelined(MessageType type, int max) throws IOException {
        if (reader.buffered() > 0) {
            socket.channel().configureBlocking(false);
            try {
                reader.readAvailable(PIPELINE_BUFFER);
            } finally {
                socket.channel().configureBlocking(true);
            }
        }
        List<Frame> frames = new ArrayList<>();
        Frame next;
        while (frames.size() < max && (next = reader.nextBuffered(type)) != null) {
            frames.add(next);
        }
        return frames;
    }

    /**
     * Answers a request. Held back ({@link FrameWriter#hold}) while the client's next request has arrived already, so
     * that the answers to pipelined requests leave together; the session writes what is held before it waits to read.
     */
    void reply(int requestId, Message message) throws IOException {
        reply(new Frame(requestId, message));
    }

    void reply(Frame frame) throws IOException {
        if (reader.hasFrame()) {
            writer.hold(frame);
        } else {
            writer.write(frame);
        }
    }

    /**
     * Before waiting for the client: hands the audit lines of the requests served since the last wait over to the
     * audit log (which writes them with other connections' lines, see {@link AuditLog}), then writes the answers held
     * back. So the lines of pipelined requests go out together, as their answers do, and the client never waits for an
     * answer held back.
     */
    void flush() throws IOException {
        if (auditLines != null) {
            auditLines.flush();
        }
        writer.flush();
    }

    /** As {@link #reply(Frame)}, with the raw content that follows the frame (a small download). */
    void reply(Frame frame, ByteBuffer content) throws IOException {
        if (reader.hasFrame()) {
            writer.hold(frame, content);
        } else {
            writer.write(frame, content);
        }
    }
}
