package netdisk.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;

/** Sample frames with edge values, and ways to build the bytes of valid and broken frames. */
final class TestFrames {

    static final String LONGEST_ASCII = "a".repeat(Frame.MAX_STRING_BYTES);

    private TestFrames() {
    }

    /** One frame of every type with ordinary values, then every edge value of every field. */
    static List<Frame> samples() {
        return List.of(
                new Frame(1, new Hello(1, 0, "netdisk-client/0.1.0")),
                new Frame(0, new Hello(0, 0, "")),
                new Frame(-1, new Hello(65535, 65535, "网盘客户端/0.1")),
                new Frame(Integer.MAX_VALUE, new Hello(1, 7, "emoji \uD83D\uDE00 and nul \u0000 and \uFFFF")),
                new Frame(2, new Welcome(1, 0, "netdisk-server/0.1.0", 3, 41_877L)),
                new Frame(-1, new Welcome(65535, 65535, "", -1, -1L)),
                new Frame(Integer.MIN_VALUE, new Welcome(0, 0, "服务器", Integer.MIN_VALUE, Long.MAX_VALUE)),
                new Frame(3, new Welcome(1, 0, "w", Integer.MAX_VALUE, Long.MIN_VALUE)),
                new Frame(0, ErrorReply.of(ErrorCode.SERVER_BUSY, "all workers busy")),
                new Frame(4, ErrorReply.of(ErrorCode.INTERNAL, "incident 7f3a-19c2")),
                new Frame(5, new ErrorReply(-1, "")),
                new Frame(6, new ErrorReply(999, "未来的错误")),
                new Frame(7, new Ping(0L)),
                new Frame(8, new Ping(Long.MIN_VALUE)),
                new Frame(9, new Ping(-1L)),
                new Frame(10, new Pong(Long.MAX_VALUE)),
                new Frame(-2, new Pong(42L)),
                new Frame(13, new GetRequest("docs/报告.pdf", 0)),
                new Frame(14, new GetRequest("", Long.MAX_VALUE)),
                new Frame(15, new FileHeader("报告.pdf", 5L << 30, 0)),
                new Frame(16, new FileHeader("", Long.MAX_VALUE, Long.MAX_VALUE)),
                new Frame(17, new FileHeader("x", 0, 0)),
                new Frame(18, new PutRequest("big.iso", 3L << 31)),
                new Frame(19, new PutRequest("空", 0)),
                new Frame(20, new PutReady(0)),
                new Frame(21, new PutReady(Long.MAX_VALUE)),
                new Frame(22, new PutDone(Long.MAX_VALUE)),
                new Frame(23, new PutDone(0)),
                new Frame(24, new Login("张三", Login.PASSWORD, "correct horse battery staple")),
                new Frame(25, new Login("", 255, "")),
                new Frame(26, new LoginOk("alice", "tok-AbC_123", 1_800_000_000_000L)),
                new Frame(27, new LoginOk("", "", Long.MAX_VALUE)),
                new Frame(28, new Register("李四", "密码很长很长")),
                new Frame(29, new Logout()),
                new Frame(30, new Done(0)),
                new Frame(31, new Done(Long.MAX_VALUE)),
                new Frame(32, new ListRequest("/文档")),
                new Frame(33, new ListRequest("")),
                new Frame(34, new Listing(true, List.of())),
                new Frame(35, new Listing(false, List.of(
                        new Entry("报告.pdf", Entry.FILE, 5L << 30, 1_764_000_000_000L, "ab".repeat(32)),
                        new Entry("照片", Entry.DIRECTORY, 0, 0, "")))),
                new Frame(36, new StatRequest("/a/b")),
                new Frame(37, new EntryReply("/", new Entry("", Entry.DIRECTORY, 0, Long.MAX_VALUE, ""))),
                new Frame(38, new MkdirRequest("/a/b/c", true)),
                new Frame(39, new MkdirRequest("x", false)),
                new Frame(40, new RemoveRequest("/a", true)),
                new Frame(41, new RemoveRequest("/a", false)),
                new Frame(42, new MoveRequest("/a", "/b/")),
                new Frame(43, new CopyRequest("/文档/a.txt", "/备份")),
                new Frame(44, new UsageRequest()),
                new Frame(45, new UsageReply(0, 0, UsageReply.NO_QUOTA, 0)),
                new Frame(46, new UsageReply(Long.MAX_VALUE, 7, 10L << 30, 123_456_789)),
                new Frame(47, new PutFile("/文档/a.iso", 5L << 30, "ab".repeat(32))),
                new Frame(48, new PutFile("", 0, "")),
                new Frame(49, new ProveContent("00ff".repeat(8), List.of(new ProveContent.Range(0, 65536),
                        new ProveContent.Range(Long.MAX_VALUE, 0)))),
                new Frame(50, new ProveContent("", List.of())),
                new Frame(51, new ContentProof(List.of("cd".repeat(32), ""))),
                new Frame(52, new ContentProof(List.of())),
                new Frame(53, new PutStored(5L << 30, "ab".repeat(32), true)),
                new Frame(54, new PutStored(0, "", false)),
                new Frame(55, new GetFile("/报告.pdf", 0)),
                new Frame(56, new GetFile("", Long.MAX_VALUE)),
                new Frame(57, new FileInfo("报告.pdf", 5L << 30, 1, "ef".repeat(32))),
                new Frame(58, new FileInfo("", Long.MAX_VALUE, Long.MAX_VALUE, "")),
                new Frame(59, new PutResume(3L << 30, "01".repeat(32))),
                new Frame(60, new PutResume(0, "")),
                new Frame(61, new ResumeFrom(3L << 30, "01".repeat(32))),
                new Frame(62, new ResumeFrom(0, "")),
                new Frame(63, new GetFrom("/视频/a.mkv", Long.MAX_VALUE, "23".repeat(32))),
                new Frame(64, new GetFrom("", 0, "")),
                new Frame(65, new FilePart("a.mkv", 6L << 30, 1L << 30, "45".repeat(32), "67".repeat(32))),
                new Frame(66, new FilePart("", 0, 0, "", "")),
                new Frame(67, new TicketRequest()),
                new Frame(68, new Ticket("t".repeat(70), Long.MAX_VALUE)),
                new Frame(69, new Ticket("", 0)),
                new Frame(70, new PutInline("/小/文件.txt", "89".repeat(32), "你好\n".getBytes(java.nio.charset.StandardCharsets.UTF_8))),
                new Frame(71, new PutInline("", "", new byte[0])),
                new Frame(72, new PutStream("/视频/大.mkv", 5L << 30)),
                new Frame(73, new PutStream("", 0)),
                new Frame(74, new HashFirst()),
                new Frame(75, new PutHash("cd".repeat(32))),
                new Frame(76, new PutHash("")));
    }

    /** Frames whose encoding is large enough to make a reader grow its buffer. */
    static List<Frame> largeSamples() {
        return List.of(
                new Frame(11, new Hello(1, 0, LONGEST_ASCII)),
                new Frame(12, new ErrorReply(1, "中".repeat(Frame.MAX_STRING_BYTES / 3))),
                new Frame(13, new PutInline("/big", "ab".repeat(32), new byte[PutInline.MAX_CONTENT])));
    }

    static byte[] bytes(Frame frame) {
        ByteBuffer encoded = FrameEncoder.encode(frame);
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        return bytes;
    }

    static byte[] bytes(List<Frame> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        frames.forEach(frame -> out.writeBytes(bytes(frame)));
        return out.toByteArray();
    }

    /** The payload of an encoded frame, without length field, type and request id. */
    static byte[] payload(Frame frame) {
        byte[] all = bytes(frame);
        byte[] payload = new byte[all.length - Frame.LENGTH_FIELD_BYTES - Frame.HEADER_BYTES];
        System.arraycopy(all, Frame.LENGTH_FIELD_BYTES + Frame.HEADER_BYTES, payload, 0, payload.length);
        return payload;
    }

    /** A frame with a correct length field around whatever type and payload are given. */
    static byte[] raw(int type, int requestId, byte[] payload) {
        return ByteBuffer.allocate(Frame.LENGTH_FIELD_BYTES + Frame.HEADER_BYTES + payload.length)
                .putInt(Frame.HEADER_BYTES + payload.length)
                .put((byte) type)
                .putInt(requestId)
                .put(payload)
                .array();
    }

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("\\s+", ""));
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
