package netdisk.protocol;

import java.util.Objects;
import java.util.Optional;

/**
 * The type byte of a frame and the message record it stands for.
 *
 * <p>Codes are part of the wire contract: they are never reused or renumbered. A peer receiving a
 * code it does not know answers {@link ErrorCode#UNSUPPORTED} and carries on, which is what lets a
 * minor protocol version add messages.
 */
public enum MessageType {

    /** {@link Hello}: client to server, the first frame of every connection. */
    HELLO(1, Hello.class),

    /** {@link Welcome}: server to client, the answer to a compatible {@link Hello}. */
    WELCOME(2, Welcome.class),

    /** {@link ErrorReply}: server to client, the answer to a failed request or an unsolicited notice. */
    ERROR_REPLY(3, ErrorReply.class),

    /** {@link Ping}: asks the peer to prove it is alive. */
    PING(4, Ping.class),

    /** {@link Pong}: the answer to a {@link Ping}. */
    PONG(5, Pong.class),

    /** {@link GetRequest}: client → server, download a file. */
    GET_REQUEST(6, GetRequest.class),

    /** {@link FileHeader}: server → client, the file's name and size; its raw content follows. */
    FILE_HEADER(7, FileHeader.class),

    /** {@link PutRequest}: client → server, upload a file of a given size. */
    PUT_REQUEST(8, PutRequest.class),

    /** {@link PutReady}: server → client, send the raw content now. */
    PUT_READY(9, PutReady.class),

    /** {@link PutDone}: server → client, the uploaded file is stored and visible. */
    PUT_DONE(10, PutDone.class),

    /** {@link Login}: client → server, log in with a password or a token (since 1.1). */
    LOGIN(11, Login.class),

    /** {@link LoginOk}: server → client, logged in; carries a token for later logins. */
    LOGIN_OK(12, LoginOk.class),

    /** {@link Register}: client → server, create an account and log in as it. */
    REGISTER(13, Register.class),

    /** {@link Logout}: client → server, end the login and revoke its token. */
    LOGOUT(14, Logout.class),

    /** {@link Done}: server → client, success with a count. */
    DONE(15, Done.class),

    /** {@link ListRequest}: client → server, list a directory. */
    LIST_REQUEST(16, ListRequest.class),

    /** {@link Listing}: server → client, entries of a directory, in one or more frames. */
    LISTING(17, Listing.class),

    /** {@link StatRequest}: client → server, describe one entry. */
    STAT_REQUEST(18, StatRequest.class),

    /** {@link EntryReply}: server → client, one entry and its path. */
    ENTRY_REPLY(19, EntryReply.class),

    /** {@link MkdirRequest}: client → server, create a directory. */
    MKDIR_REQUEST(20, MkdirRequest.class),

    /** {@link RemoveRequest}: client → server, delete a file or directory. */
    REMOVE_REQUEST(21, RemoveRequest.class),

    /** {@link MoveRequest}: client → server, move or rename. */
    MOVE_REQUEST(22, MoveRequest.class),

    /** {@link CopyRequest}: client → server, copy a file without copying its content. */
    COPY_REQUEST(23, CopyRequest.class),

    /** {@link UsageRequest}: client → server, how much space is used and allowed. */
    USAGE_REQUEST(24, UsageRequest.class),

    /** {@link UsageReply}: server → client, usage and quota. */
    USAGE_REPLY(25, UsageReply.class),

    /** {@link PutFile}: client → server, upload verified by SHA-256, instantly if the content is stored (1.2). */
    PUT_FILE(26, PutFile.class),

    /** {@link ProveContent}: server → client, prove you hold the content (hashes of random ranges). */
    PROVE_CONTENT(27, ProveContent.class),

    /** {@link ContentProof}: client → server, the answer to {@link ProveContent}. */
    CONTENT_PROOF(28, ContentProof.class),

    /** {@link PutStored}: server → client, the {@link PutFile} is verified, stored and visible. */
    PUT_STORED(29, PutStored.class),

    /** {@link GetFile}: client → server, download with the file's SHA-256. */
    GET_FILE(30, GetFile.class),

    /** {@link FileInfo}: server → client, name, size and SHA-256; raw content follows. */
    FILE_INFO(31, FileInfo.class),

    /** {@link PutResume}: server → client, the server holds part of this upload: resume after checking it (1.3). */
    PUT_RESUME(32, PutResume.class),

    /** {@link ResumeFrom}: client → server, the answer to {@link PutResume}. */
    RESUME_FROM(33, ResumeFrom.class),

    /** {@link GetFrom}: client → server, resume a download from the bytes the client holds. */
    GET_FROM(34, GetFrom.class),

    /** {@link FilePart}: server → client, the answer to {@link GetFrom}; raw content follows. */
    FILE_PART(35, FilePart.class),

    /** {@link TicketRequest}: client → server, ask for (or renew) a transfer ticket. */
    TICKET_REQUEST(36, TicketRequest.class),

    /** {@link Ticket}: server → client, a short-lived ticket that logs transfer connections in. */
    TICKET(37, Ticket.class),

    /** {@link PutInline}: client → server, a small file with its content in the frame; may be pipelined. */
    PUT_INLINE(38, PutInline.class),

    /** {@link PutStream}: client → server, an upload whose SHA-256 follows its content (1.4). */
    PUT_STREAM(39, PutStream.class),

    /** {@link HashFirst}: server → client, send that upload as a {@link PutFile} instead (1.4). */
    HASH_FIRST(40, HashFirst.class),

    /** {@link PutHash}: client → server, the SHA-256 of a {@link PutStream}'s content, after it (1.4). */
    PUT_HASH(41, PutHash.class);

    private static final MessageType[] BY_CODE = new MessageType[256];

    static {
        for (MessageType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;
    private final Class<? extends Message> messageClass;

    MessageType(int code, Class<? extends Message> messageClass) {
        this.code = code;
        this.messageClass = Objects.requireNonNull(messageClass, "messageClass");
    }

    /**
     * The frame's type byte for this message type.
     *
     * @return the code, 1 to 255
     */
    public int code() {
        return code;
    }

    /**
     * The record that carries this type's payload.
     *
     * @return the message class
     */
    public Class<? extends Message> messageClass() {
        return messageClass;
    }

    /**
     * Looks a type byte up.
     *
     * @param code the type byte as an unsigned value
     * @return the type, or empty when this implementation does not know the code
     */
    public static Optional<MessageType> of(int code) {
        if (code < 0 || code >= BY_CODE.length) {
            return Optional.empty();
        }
        return Optional.ofNullable(BY_CODE[code]);
    }
}
