package netdisk.protocol;

import java.util.Objects;

/**
 * One message together with the request id that ties an answer to its request: the unit that
 * travels on a connection.
 *
 * <p>The layout on the wire is drawn in {@link FrameDecoder}. The request id lets a client have
 * several requests outstanding and still tell the answers apart; the server copies it from the
 * request into every frame answering that request. Frames the server sends on its own initiative
 * (server busy, shutting down, handshake timeout) carry {@link #NO_REQUEST_ID}.
 *
 * @param requestId chosen by the client, echoed by the server; {@value #NO_REQUEST_ID} means "no
 *                  request". A u32 carried in the int's bits
 * @param message   the message
 */
public record Frame(int requestId, Message message) {

    /** Size of the length field that starts every frame. */
    public static final int LENGTH_FIELD_BYTES = 4;

    /** The bytes counted by the length field before the payload: type (u8) and request id (u32). */
    public static final int HEADER_BYTES = 5;

    /** The smallest valid value of the length field: a frame with an empty payload. */
    public static final int MIN_FRAME_LENGTH = HEADER_BYTES;

    /**
     * The largest valid value of the length field, 1 MiB. It bounds what a peer must buffer for
     * one frame, so a corrupt or hostile length cannot make the receiver allocate without limit.
     */
    public static final int MAX_FRAME_LENGTH = 1 << 20;

    /** The most bytes one frame occupies on the wire, length field included. */
    public static final int MAX_FRAME_BYTES = LENGTH_FIELD_BYTES + MAX_FRAME_LENGTH;

    /** The longest string field in UTF-8 bytes: its length prefix is a u16. */
    public static final int MAX_STRING_BYTES = Wire.U16_MAX;

    /** The request id of a frame that answers no request. */
    public static final int NO_REQUEST_ID = 0;

    /**
     * Checks the components.
     */
    public Frame {
        Objects.requireNonNull(message, "message");
    }

    /**
     * A frame the sender emits on its own initiative rather than in answer to a request.
     *
     * @param message the message
     * @return a frame with request id {@value #NO_REQUEST_ID}
     */
    public static Frame unsolicited(Message message) {
        return new Frame(NO_REQUEST_ID, message);
    }
}
