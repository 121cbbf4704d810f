package netdisk.protocol;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable, reusable byte array into which one frame is encoded big-endian.
 *
 * <p>Encoding into a private array first means the frame's size is known before anything reaches
 * a caller's buffer or a channel, so a frame that breaks a limit is refused without writing half
 * of it. The array grows by doubling but never past {@link Frame#MAX_FRAME_BYTES}: a message that
 * would not fit is an {@link IllegalArgumentException}, found before a large allocation.
 *
 * <p>Strings are encoded strictly: a Java string that is not well-formed UTF-16 (an unpaired
 * surrogate) is refused instead of being replaced by {@code '?'}, so that what is encoded is what
 * the other side decodes. Not thread-safe.
 */
final class FrameBuffer {

    private final CharsetEncoder utf8 = StandardCharsets.UTF_8.newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    private byte[] bytes;
    private int size;

    FrameBuffer(int initialCapacity) {
        if (initialCapacity < Frame.LENGTH_FIELD_BYTES + Frame.HEADER_BYTES
                || initialCapacity > Frame.MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("initial capacity out of range: " + initialCapacity);
        }
        bytes = new byte[initialCapacity];
    }

    /** Discards any previous content and writes the header, leaving the length to {@link #finish()}. */
    FrameBuffer start(MessageType type, int requestId) {
        size = Frame.LENGTH_FIELD_BYTES;
        return u8(type.code()).u32(requestId);
    }

    /** Fills in the length field once the payload is complete. */
    void finish() {
        int length = size - Frame.LENGTH_FIELD_BYTES;
        bytes[0] = (byte) (length >>> 24);
        bytes[1] = (byte) (length >>> 16);
        bytes[2] = (byte) (length >>> 8);
        bytes[3] = (byte) length;
    }

    FrameBuffer u8(int value) {
        ensure(1);
        bytes[size++] = (byte) value;
        return this;
    }

    FrameBuffer bool(boolean value) {
        return u8(value ? 1 : 0);
    }

    FrameBuffer entry(Entry entry) {
        return string(entry.name(), "name").u8(entry.kind()).u64(entry.size()).u64(entry.modified())
                .string(entry.sha256(), "sha256");
    }

    FrameBuffer u16(int value) {
        ensure(2);
        bytes[size++] = (byte) (value >>> 8);
        bytes[size++] = (byte) value;
        return this;
    }

    FrameBuffer u32(int value) {
        ensure(4);
        for (int shift = 24; shift >= 0; shift -= 8) {
            bytes[size++] = (byte) (value >>> shift);
        }
        return this;
    }

    FrameBuffer u64(long value) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            bytes[size++] = (byte) (value >>> shift);
        }
        return this;
    }

    FrameBuffer string(String value, String name) {
        int chars = value.length();
        if (chars <= Frame.MAX_STRING_BYTES) { // ASCII (most names, every hash) is copied as it is, without the encoder
            ensure(2 + chars);
            int ascii = 0;
            for (char c; ascii < chars && (c = value.charAt(ascii)) < 0x80; ascii++) {
                bytes[size + 2 + ascii] = (byte) c;
            }
            if (ascii == chars) {
                u16(chars);
                size += chars;
                return this;
            }
        }
        ByteBuffer encoded;
        try {
            encoded = utf8.reset().encode(CharBuffer.wrap(value));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(name + " is not well-formed UTF-16", e);
        }
        int length = encoded.remaining();
        if (length > Frame.MAX_STRING_BYTES) {
            throw new IllegalArgumentException(
                    name + " is " + length + " UTF-8 bytes, more than " + Frame.MAX_STRING_BYTES);
        }
        u16(length);
        ensure(length);
        encoded.get(bytes, size, length);
        size += length;
        return this;
    }

    /** A u32 byte count, then the bytes. */
    FrameBuffer bytes(byte[] value, String name) {
        if (value.length > Frame.MAX_FRAME_LENGTH) {
            throw new IllegalArgumentException(name + " is " + value.length + " bytes, more than a frame holds");
        }
        u32(value.length);
        ensure(value.length);
        System.arraycopy(value, 0, bytes, size, value.length);
        size += value.length;
        return this;
    }

    /** The encoded frame so far, position 0 and limit at its end, sharing this buffer's array. */
    ByteBuffer view() {
        return ByteBuffer.wrap(bytes, 0, size).slice();
    }

    int size() {
        return size;
    }

    int capacity() {
        return bytes.length;
    }

    private void ensure(int more) {
        int needed = size + more;
        if (needed > Frame.MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("frame would be longer than " + Frame.MAX_FRAME_LENGTH + " bytes");
        }
        if (needed > bytes.length) {
            int grown = (int) Math.min(Frame.MAX_FRAME_BYTES, Math.max(needed, 2L * bytes.length));
            bytes = Arrays.copyOf(bytes, grown);
        }
    }
}
