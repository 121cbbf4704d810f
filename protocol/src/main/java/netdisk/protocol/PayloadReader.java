package netdisk.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads the fields of one frame's payload, turning every way the payload can fall short of its
 * type into a {@link MalformedFrameException} that names the frame.
 *
 * <p>It only ever reads within the frame's own bytes, which the decoder has already received in
 * full, so a lying string length can at most ask for what is there.
 */
final class PayloadReader {

    private final ByteBuffer payload;
    private final int requestId;
    private final MessageType type;

    PayloadReader(ByteBuffer payload, int requestId, MessageType type) {
        this.payload = payload;
        this.requestId = requestId;
        this.type = type;
    }

    int u8() throws MalformedFrameException {
        need(1, "u8");
        return Byte.toUnsignedInt(payload.get());
    }

    /** A u8 that must be 0 (false) or 1 (true). */
    boolean bool(String name) throws MalformedFrameException {
        int value = u8();
        if (value > 1) {
            throw malformed(name + " is " + value + ", not 0 or 1");
        }
        return value == 1;
    }

    /**
     * A u32 count of items that take at least {@code minBytes} each: a count the frame cannot hold is refused before
     * anything is allocated for it.
     */
    long count(String item, int minBytes) throws MalformedFrameException {
        long count = Integer.toUnsignedLong(u32());
        if (count > (long) Frame.MAX_FRAME_LENGTH / minBytes) {
            throw malformed(item + " count " + count + " cannot fit in a frame");
        }
        return count;
    }

    /** An {@link Entry}, laid out as drawn on its record. */
    Entry entry() throws MalformedFrameException {
        String name = string("name");
        int kind = u8();
        if (kind != Entry.DIRECTORY && kind != Entry.FILE) {
            throw malformed("unknown entry kind " + kind);
        }
        return new Entry(name, kind, size("size"), size("modified"), string("sha256"));
    }

    int u16() throws MalformedFrameException {
        need(2, "u16");
        return Short.toUnsignedInt(payload.getShort());
    }

    int u32() throws MalformedFrameException {
        need(4, "u32");
        return payload.getInt();
    }

    long u64() throws MalformedFrameException {
        need(8, "u64");
        return payload.getLong();
    }

    /** A u64 size or offset, which must fit in a Java long (at most 2^63 - 1). */
    long size(String name) throws MalformedFrameException {
        long value = u64();
        if (value < 0) {
            throw malformed(name + " " + Long.toUnsignedString(value) + " is above 2^63 - 1");
        }
        return value;
    }

    String string(String name) throws MalformedFrameException {
        int length = u16();
        need(length, name + " of " + length + " bytes");
        ByteBuffer bytes = payload.slice(payload.position(), length);
        payload.position(payload.position() + length);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
        } catch (CharacterCodingException e) {
            throw malformed(name + " is not valid UTF-8");
        }
    }

    /** A u32 byte count of at most {@code max}, then that many bytes. */
    byte[] bytes(String name, int max) throws MalformedFrameException {
        long length = Integer.toUnsignedLong(u32());
        if (length > max) {
            throw malformed(name + " of " + length + " bytes, more than " + max);
        }
        need((int) length, name + " of " + length + " bytes");
        byte[] value = new byte[(int) length];
        payload.get(value);
        return value;
    }

    /** Checks that the payload has been read to its last byte. */
    void end() throws MalformedFrameException {
        if (payload.hasRemaining()) {
            throw malformed(payload.remaining() + " trailing bytes");
        }
    }

    MalformedFrameException malformed(String detail) {
        return new MalformedFrameException(requestId, type, detail);
    }

    private void need(int bytes, String what) throws MalformedFrameException {
        if (payload.remaining() < bytes) {
            throw malformed("payload ends before " + what + " (" + payload.remaining() + " bytes left)");
        }
    }
}
