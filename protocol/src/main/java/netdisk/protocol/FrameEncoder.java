package netdisk.protocol;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Turns frames into bytes, in the layout drawn in {@link FrameDecoder}.
 *
 * <p>All message layouts live in one {@code switch} over the sealed {@link Message} interface, so
 * adding a message without teaching the encoder about it does not compile. The encoder refuses, with
 * an {@link IllegalArgumentException}, anything the decoder on the other side would reject: a
 * string longer than {@value Frame#MAX_STRING_BYTES} UTF-8 bytes or not well-formed, and a frame
 * longer than {@value Frame#MAX_FRAME_LENGTH} bytes. Stateless and thread-safe.
 */
public final class FrameEncoder {

    private static final int SMALL_FRAME = 64;

    private FrameEncoder() {
    }

    /**
     * Encodes a frame into a new buffer.
     *
     * @param frame the frame
     * @return a buffer holding exactly the frame, position 0, ready to be written
     * @throws IllegalArgumentException if the frame cannot be encoded within the protocol's limits
     */
    public static ByteBuffer encode(Frame frame) {
        FrameBuffer buffer = new FrameBuffer(SMALL_FRAME);
        encodeInto(frame, buffer);
        return buffer.view();
    }

    /**
     * Appends a frame to a buffer at its position, advancing the position past the frame.
     *
     * @param frame the frame
     * @param out   a buffer in write mode
     * @throws BufferOverflowException  if {@code out} has less room than the frame needs; nothing
     *                                  is written then
     * @throws IllegalArgumentException if the frame cannot be encoded within the protocol's limits;
     *                                  nothing is written then
     */
    public static void encode(Frame frame, ByteBuffer out) {
        Objects.requireNonNull(out, "out");
        ByteBuffer encoded = encode(frame);
        if (out.remaining() < encoded.remaining()) {
            throw new BufferOverflowException();
        }
        out.put(encoded);
    }

    /** Encodes into a reusable buffer, replacing what it held; for {@link FrameWriter}. */
    static void encodeInto(Frame frame, FrameBuffer buffer) {
        Objects.requireNonNull(frame, "frame");
        Message message = frame.message();
        buffer.start(message.type(), frame.requestId());
        switch (message) {
            case Hello hello -> buffer
                    .u32(ProtocolVersion.MAGIC)
                    .u16(hello.major())
                    .u16(hello.minor())
                    .string(hello.software(), "software");
            case Welcome welcome -> buffer
                    .u16(welcome.major())
                    .u16(welcome.minor())
                    .string(welcome.serverVersion(), "serverVersion")
                    .u32(welcome.workerNumber())
                    .u64(welcome.workerPid());
            case ErrorReply error -> buffer
                    .u32(error.code())
                    .string(error.message(), "message");
            case Ping ping -> buffer.u64(ping.token());
            case Pong pong -> buffer.u64(pong.token());
            case GetRequest get -> buffer.string(get.path(), "path").u64(get.offset());
            case FileHeader header -> buffer.string(header.name(), "name").u64(header.size()).u64(header.offset());
            case PutRequest put -> buffer.string(put.path(), "path").u64(put.size());
            case PutReady ready -> buffer.u64(ready.offset());
            case PutDone done -> buffer.u64(done.size());
            case Login login -> buffer.string(login.user(), "user").u8(login.method()).string(login.secret(), "secret");
            case LoginOk ok -> buffer.string(ok.user(), "user").string(ok.token(), "token").u64(ok.tokenExpires());
            case Register register -> buffer.string(register.user(), "user").string(register.password(), "password");
            case Logout _, UsageRequest _, TicketRequest _, HashFirst _ -> { }
            case Done done -> buffer.u64(done.count());
            case ListRequest list -> buffer.string(list.path(), "path");
            case Listing listing -> {
                buffer.bool(listing.last()).u32(listing.entries().size());
                listing.entries().forEach(buffer::entry);
            }
            case StatRequest stat -> buffer.string(stat.path(), "path");
            case EntryReply reply -> buffer.string(reply.path(), "path").entry(reply.entry());
            case MkdirRequest mkdir -> buffer.string(mkdir.path(), "path").bool(mkdir.parents());
            case RemoveRequest remove -> buffer.string(remove.path(), "path").bool(remove.recursive());
            case MoveRequest move -> buffer.string(move.source(), "source").string(move.target(), "target");
            case CopyRequest copy -> buffer.string(copy.source(), "source").string(copy.target(), "target");
            case PutFile put -> buffer.string(put.path(), "path").u64(put.size()).string(put.sha256(), "sha256");
            case ProveContent prove -> {
                buffer.string(prove.nonce(), "nonce").u32(prove.ranges().size());
                prove.ranges().forEach(range -> buffer.u64(range.offset()).u64(range.length()));
            }
            case ContentProof proof -> {
                buffer.u32(proof.hashes().size());
                proof.hashes().forEach(hash -> buffer.string(hash, "hash"));
            }
            case PutStored stored -> buffer.u64(stored.size()).string(stored.sha256(), "sha256").bool(stored.instant());
            case GetFile get -> buffer.string(get.path(), "path").u64(get.offset());
            case FileInfo info -> buffer.string(info.name(), "name").u64(info.size()).u64(info.offset())
                    .string(info.sha256(), "sha256");
            case PutResume resume -> buffer.u64(resume.offset()).string(resume.prefixSha256(), "prefixSha256");
            case ResumeFrom from -> buffer.u64(from.offset()).string(from.prefixSha256(), "prefixSha256");
            case GetFrom get -> buffer.string(get.path(), "path").u64(get.offset())
                    .string(get.prefixSha256(), "prefixSha256");
            case FilePart part -> buffer.string(part.name(), "name").u64(part.size()).u64(part.offset())
                    .string(part.sha256(), "sha256").string(part.prefixSha256(), "prefixSha256");
            case PutStream put -> buffer.string(put.path(), "path").u64(put.size());
            case PutHash hash -> buffer.string(hash.sha256(), "sha256");
            case Ticket ticket -> buffer.string(ticket.ticket(), "ticket").u64(ticket.expires());
            case PutInline put -> buffer.string(put.path(), "path").string(put.sha256(), "sha256")
                    .bytes(put.content(), "content");
            case UsageReply usage -> buffer.u64(usage.used()).u64(usage.files()).bool(usage.hasQuota())
                    .u64(usage.hasQuota() ? usage.quota() : 0).u64(usage.serverFree());
        }
        buffer.finish();
    }
}
