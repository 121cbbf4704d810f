package netdisk.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns bytes into frames without blocking and without trusting the peer.
 *
 * <p>Every frame on a netdisk connection has this layout, all integers big-endian:
 *
 * <pre>
 *  0                   4        5                   9
 *  +-------------------+--------+-------------------+----------------------+
 *  | length (u32)      | type   | request id (u32)  | payload              |
 *  |                   | (u8)   |                   | (length - 5 bytes)   |
 *  +-------------------+--------+-------------------+----------------------+
 * </pre>
 *
 * <p>{@code length} counts the bytes after itself, so it lies between
 * {@value Frame#MIN_FRAME_LENGTH} and {@value Frame#MAX_FRAME_LENGTH}. The type byte is a
 * {@link MessageType} code; the payload layout of each type is drawn on its record.
 *
 * <p>The decoder is meant for bytes arriving in arbitrary pieces: it looks at what a buffer holds
 * and either takes one whole frame from it or takes nothing, so the caller can simply read more
 * and try again. The length field is checked as soon as its four bytes are there, before the body
 * has arrived, so that a bad length costs neither memory nor a wait for bytes that may never come.
 * What goes wrong after the length is known is confined to that one frame: the frame is consumed
 * and the exception says the stream is still in step. Stateless and thread-safe; the buffers are
 * the caller's.
 *
 * @see ProtocolException#recoverable()
 */
public final class FrameDecoder {

    /** The smallest encoded {@link Entry}: two empty strings, a kind, a size and a time. */
    private static final int MIN_ENTRY_BYTES = 2 + 1 + 8 + 8 + 2;
    private static final int MIN_RANGE_BYTES = 8 + 8;
    private static final int MIN_STRING_BYTES = 2;

    private FrameDecoder() {
    }

    /**
     * Takes the next frame from a buffer, if the buffer holds all of it.
     *
     * <p>On success the buffer's position has moved past exactly that frame. When the buffer holds
     * only part of a frame its position is unchanged. Allocation does not depend on the length the
     * frame claims: only on bytes actually present. The buffer's own byte order is ignored.
     *
     * @param in a buffer in read mode: the bytes from its position to its limit are received data
     * @return the frame, or empty when more bytes are needed
     * @throws FrameLengthException         if the length field is out of range; nothing is
     *                                      consumed and the stream cannot be resynchronised
     * @throws UnknownMessageTypeException  if the type byte is unknown; the frame is consumed
     * @throws MalformedFrameException      if the payload does not fit its type; the frame is consumed
     */
    public static Optional<Frame> decode(ByteBuffer in) throws ProtocolException {
        Objects.requireNonNull(in, "in");
        int required = requiredBytes(in);
        if (in.remaining() < required) {
            return Optional.empty();
        }
        int start = in.position();
        ByteBuffer frame = in.slice(start + Frame.LENGTH_FIELD_BYTES, required - Frame.LENGTH_FIELD_BYTES)
                .order(ByteOrder.BIG_ENDIAN);
        in.position(start + required);
        int typeCode = Byte.toUnsignedInt(frame.get());
        int requestId = frame.getInt();
        MessageType type = MessageType.of(typeCode)
                .orElseThrow(() -> new UnknownMessageTypeException(requestId, typeCode));
        return Optional.of(new Frame(requestId, payload(new PayloadReader(frame, requestId, type), type)));
    }

    /**
     * Tells how many bytes the next frame occupies, so that a reader grows its buffer only when a
     * frame needs it.
     *
     * @param in a buffer in read mode, positioned at the start of a frame
     * @return {@value Frame#LENGTH_FIELD_BYTES} while fewer than that many bytes are there (the
     *         length is not known yet), otherwise the frame's total size, length field included,
     *         at most {@value Frame#MAX_FRAME_BYTES}
     * @throws FrameLengthException if the length field is out of range
     */
    public static int requiredBytes(ByteBuffer in) throws FrameLengthException {
        Objects.requireNonNull(in, "in");
        if (in.remaining() < Frame.LENGTH_FIELD_BYTES) {
            return Frame.LENGTH_FIELD_BYTES;
        }
        int at = in.position();
        long length = 0;
        for (int i = 0; i < Frame.LENGTH_FIELD_BYTES; i++) {
            length = length << 8 | Byte.toUnsignedInt(in.get(at + i));
        }
        if (length < Frame.MIN_FRAME_LENGTH || length > Frame.MAX_FRAME_LENGTH) {
            throw new FrameLengthException(length);
        }
        return Frame.LENGTH_FIELD_BYTES + (int) length;
    }

    private static Message payload(PayloadReader p, MessageType type) throws MalformedFrameException {
        Message message = switch (type) {
            case HELLO -> {
                int magic = p.u32();
                if (magic != ProtocolVersion.MAGIC) {
                    throw p.malformed(String.format("bad magic 0x%08X", magic));
                }
                yield new Hello(p.u16(), p.u16(), p.string("software"));
            }
            case WELCOME -> new Welcome(p.u16(), p.u16(), p.string("serverVersion"), p.u32(), p.u64());
            case ERROR_REPLY -> new ErrorReply(p.u32(), p.string("message"));
            case PING -> new Ping(p.u64());
            case PONG -> new Pong(p.u64());
            case GET_REQUEST -> new GetRequest(p.string("path"), p.size("offset"));
            case FILE_HEADER -> {
                String name = p.string("name");
                long size = p.size("size");
                long offset = p.size("offset");
                if (offset > size) {
                    throw p.malformed("offset " + offset + " is past the size " + size);
                }
                yield new FileHeader(name, size, offset);
            }
            case PUT_REQUEST -> new PutRequest(p.string("path"), p.size("size"));
            case PUT_READY -> new PutReady(p.size("offset"));
            case PUT_DONE -> new PutDone(p.size("size"));
            case LOGIN -> new Login(p.string("user"), p.u8(), p.string("secret"));
            case LOGIN_OK -> new LoginOk(p.string("user"), p.string("token"), p.size("tokenExpires"));
            case REGISTER -> new Register(p.string("user"), p.string("password"));
            case LOGOUT -> new Logout();
            case DONE -> new Done(p.size("count"));
            case LIST_REQUEST -> new ListRequest(p.string("path"));
            case LISTING -> listing(p);
            case STAT_REQUEST -> new StatRequest(p.string("path"));
            case ENTRY_REPLY -> new EntryReply(p.string("path"), p.entry());
            case MKDIR_REQUEST -> new MkdirRequest(p.string("path"), p.bool("parents"));
            case REMOVE_REQUEST -> new RemoveRequest(p.string("path"), p.bool("recursive"));
            case MOVE_REQUEST -> new MoveRequest(p.string("source"), p.string("target"));
            case COPY_REQUEST -> new CopyRequest(p.string("source"), p.string("target"));
            case USAGE_REQUEST -> new UsageRequest();
            case USAGE_REPLY -> usage(p);
            case PUT_FILE -> new PutFile(p.string("path"), p.size("size"), p.string("sha256"));
            case PROVE_CONTENT -> proveContent(p);
            case CONTENT_PROOF -> contentProof(p);
            case PUT_STORED -> new PutStored(p.size("size"), p.string("sha256"), p.bool("instant"));
            case GET_FILE -> new GetFile(p.string("path"), p.size("offset"));
            case FILE_INFO -> {
                String name = p.string("name");
                long size = p.size("size");
                long offset = p.size("offset");
                if (offset > size) {
                    throw p.malformed("offset " + offset + " is past the size " + size);
                }
                yield new FileInfo(name, size, offset, p.string("sha256"));
            }
            case PUT_RESUME -> new PutResume(p.size("offset"), p.string("prefixSha256"));
            case RESUME_FROM -> new ResumeFrom(p.size("offset"), p.string("prefixSha256"));
            case GET_FROM -> new GetFrom(p.string("path"), p.size("offset"), p.string("prefixSha256"));
            case FILE_PART -> {
                String name = p.string("name");
                long size = p.size("size");
                long offset = p.size("offset");
                if (offset > size) {
                    throw p.malformed("offset " + offset + " is past the size " + size);
                }
                yield new FilePart(name, size, offset, p.string("sha256"), p.string("prefixSha256"));
            }
            case TICKET_REQUEST -> new TicketRequest();
            case TICKET -> new Ticket(p.string("ticket"), p.size("expires"));
            case PUT_STREAM -> new PutStream(p.string("path"), p.size("size"));
            case HASH_FIRST -> new HashFirst();
            case PUT_HASH -> new PutHash(p.string("sha256"));
            case PUT_INLINE -> new PutInline(p.string("path"), p.string("sha256"),
                    p.bytes("content", PutInline.MAX_CONTENT));
        };
        p.end();
        return message;
    }

    private static Listing listing(PayloadReader p) throws MalformedFrameException {
        boolean last = p.bool("last");
        long count = p.count("entry", MIN_ENTRY_BYTES);
        List<Entry> entries = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            entries.add(p.entry());
        }
        return new Listing(last, entries);
    }

    private static ProveContent proveContent(PayloadReader p) throws MalformedFrameException {
        String nonce = p.string("nonce");
        long count = p.count("range", MIN_RANGE_BYTES);
        List<ProveContent.Range> ranges = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            ranges.add(new ProveContent.Range(p.size("offset"), p.size("length")));
        }
        return new ProveContent(nonce, ranges);
    }

    private static ContentProof contentProof(PayloadReader p) throws MalformedFrameException {
        long count = p.count("hash", MIN_STRING_BYTES);
        List<String> hashes = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            hashes.add(p.string("hash"));
        }
        return new ContentProof(hashes);
    }

    private static UsageReply usage(PayloadReader p) throws MalformedFrameException {
        long used = p.size("used");
        long files = p.size("files");
        boolean hasQuota = p.bool("has quota");
        long quota = p.size("quota");
        if (!hasQuota && quota != 0) {
            throw p.malformed("quota " + quota + " without has quota");
        }
        return new UsageReply(used, files, hasQuota ? quota : UsageReply.NO_QUOTA, p.size("serverFree"));
    }
}
