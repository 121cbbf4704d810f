package netdisk.protocol;

/**
 * A protocol message: the payload of one {@link Frame}.
 *
 * <p>The interface is sealed so that the encoder, the decoder and every peer's dispatch can
 * {@code switch} over all messages and have the compiler point out each place a new message must
 * be handled. Each message is an immutable record whose components are exactly its wire fields;
 * the layout of each is drawn in the record's documentation.
 */
public sealed interface Message permits Hello, Welcome, ErrorReply, Ping, Pong, GetRequest, FileHeader, PutRequest, PutReady,
        PutDone, Login, LoginOk, Register, Logout, Done, ListRequest, Listing, StatRequest, EntryReply, MkdirRequest,
        RemoveRequest, MoveRequest, CopyRequest, UsageRequest, UsageReply, PutFile, ProveContent, ContentProof, PutStored,
        GetFile, FileInfo, PutResume, ResumeFrom, GetFrom, FilePart, TicketRequest, Ticket, PutInline,
        PutStream, HashFirst, PutHash {

    /**
     * The type this message travels as.
     *
     * @return the message's type, whose code is the frame's type byte
     */
    default MessageType type() {
        return switch (this) {
            case Hello _ -> MessageType.HELLO;
            case Welcome _ -> MessageType.WELCOME;
            case ErrorReply _ -> MessageType.ERROR_REPLY;
            case Ping _ -> MessageType.PING;
            case Pong _ -> MessageType.PONG;
            case GetRequest _ -> MessageType.GET_REQUEST;
            case FileHeader _ -> MessageType.FILE_HEADER;
            case PutRequest _ -> MessageType.PUT_REQUEST;
            case PutReady _ -> MessageType.PUT_READY;
            case PutDone _ -> MessageType.PUT_DONE;
            case Login _ -> MessageType.LOGIN;
            case LoginOk _ -> MessageType.LOGIN_OK;
            case Register _ -> MessageType.REGISTER;
            case Logout _ -> MessageType.LOGOUT;
            case Done _ -> MessageType.DONE;
            case ListRequest _ -> MessageType.LIST_REQUEST;
            case Listing _ -> MessageType.LISTING;
            case StatRequest _ -> MessageType.STAT_REQUEST;
            case EntryReply _ -> MessageType.ENTRY_REPLY;
            case MkdirRequest _ -> MessageType.MKDIR_REQUEST;
            case RemoveRequest _ -> MessageType.REMOVE_REQUEST;
            case MoveRequest _ -> MessageType.MOVE_REQUEST;
            case CopyRequest _ -> MessageType.COPY_REQUEST;
            case UsageRequest _ -> MessageType.USAGE_REQUEST;
            case UsageReply _ -> MessageType.USAGE_REPLY;
            case PutFile _ -> MessageType.PUT_FILE;
            case ProveContent _ -> MessageType.PROVE_CONTENT;
            case ContentProof _ -> MessageType.CONTENT_PROOF;
            case PutStored _ -> MessageType.PUT_STORED;
            case GetFile _ -> MessageType.GET_FILE;
            case FileInfo _ -> MessageType.FILE_INFO;
            case PutResume _ -> MessageType.PUT_RESUME;
            case ResumeFrom _ -> MessageType.RESUME_FROM;
            case GetFrom _ -> MessageType.GET_FROM;
            case FilePart _ -> MessageType.FILE_PART;
            case TicketRequest _ -> MessageType.TICKET_REQUEST;
            case Ticket _ -> MessageType.TICKET;
            case PutInline _ -> MessageType.PUT_INLINE;
            case PutStream _ -> MessageType.PUT_STREAM;
            case HashFirst _ -> MessageType.HASH_FIRST;
            case PutHash _ -> MessageType.PUT_HASH;
        };
    }
}
