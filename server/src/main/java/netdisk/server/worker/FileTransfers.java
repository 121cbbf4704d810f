package netdisk.server.worker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import netdisk.protocol.ContentProof;
import netdisk.protocol.ContentSink;
import netdisk.protocol.ErrorCode;
import netdisk.protocol.ErrorReply;
import netdisk.protocol.FileHeader;
import netdisk.protocol.FileInfo;
import netdisk.protocol.FilePart;
import netdisk.protocol.Frame;
import netdisk.protocol.GetFrom;
import netdisk.protocol.HashFirst;
import netdisk.protocol.ProtocolException;
import netdisk.protocol.PutDone;
import netdisk.protocol.ProveContent;
import netdisk.protocol.PutFile;
import netdisk.protocol.PutHash;
import netdisk.protocol.PutInline;
import netdisk.protocol.PutReady;
import netdisk.protocol.PutResume;
import netdisk.protocol.PutStored;
import netdisk.protocol.PutStream;
import netdisk.protocol.Sha256;
import netdisk.protocol.ResumeFrom;
import netdisk.server.disk.ContentChallenge;
import netdisk.server.disk.Disk;
import netdisk.server.disk.DiskException;
import netdisk.server.disk.DiskPath;
import netdisk.server.disk.Upload;
import netdisk.server.storage.BlobId;
import netdisk.server.storage.Node;
import netdisk.server.storage.PartialUploads;
import netdisk.server.storage.User;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads and uploads of one worker, on the sessions' own threads.
 *
 * <p>Download: {@link FileHeader} (or {@link FileInfo}, or for a resumed download {@link FilePart}), then the blob's
 * content with sendfile ({@link FileSender}: the bytes do not enter the JVM). Upload: {@link PutReady}, then the
 * content into a new blob ({@link Upload}), which becomes a file in the user's tree only once complete, hashed and
 * flushed; a failed or abandoned upload leaves nothing behind, except that a verified upload from a client that can
 * resume keeps what it received when the client stops sending, and offers it to the next upload of the same content
 * to the same path ({@link PutResume}). Small files sent whole in their frames ({@link PutInline}) are stored in
 * batches.
 */
final class FileTransfers {

    private static final Logger log = LoggerFactory.getLogger(FileTransfers.class);
    private static final int UPLOAD_BUFFER = 1 << 20;
    /**
     * A {@link PutStream} of fewer bytes is answered {@link HashFirst}: hashing them first costs the client little,
     * and a stored blob of their size is likely.
     */
    static final long STREAM_FROM = PartialUploads.MIN_KEPT;

    private final Disk disk;
    private final WorkerIdentity identity;

    FileTransfers(Disk disk, WorkerIdentity identity) {
        this.disk = disk;
        this.identity = identity;
    }

    /**
     * Sends the file at {@code path} from {@code offset}; returns the bytes sent.
     *
     * @throws DiskException refused before anything was sent (the session answers it)
     * @throws TransferAbortedException the content broke off (the session must end)
     */
    long download(int requestId, User user, DiskPath path, long offset, boolean withHash, SessionIo io, String who)
            throws DiskException, IOException {
        Node node = disk.fileForDownload(user, path);
        long size = node.size();
        if (offset > size) {
            throw new DiskException(ErrorCode.TRANSFER_FAILED,
                    "offset " + offset + " is past the end of " + path + " (" + size + " bytes)");
        }
        Frame header = new Frame(requestId, withHash
                ? new FileInfo(node.name(), size, offset, node.blob().orElseThrow().sha256())
                : new FileHeader(node.name(), size, offset));
        if (size <= Disk.SMALL_CONTENT) {
            sendSmall(header, disk.smallContent(user, path, node).position((int) offset), path, offset, io, who);
        } else {
            try (FileChannel file = disk.openContent(user, path, node)) {
                sendContent(header, file, path, offset, size, io, who);
            }
        }
        return size - offset;
    }

    /**
     * A {@link GetFrom}: sends the file at {@code path} from the client's offset if the client's prefix hash is that
     * of the file's first {@code offset} bytes, else the whole file (the client's part is not a prefix of it: the file
     * changed, or the part is damaged). The {@link FilePart} carries the server's own prefix hash, which the client
     * checks before it appends. Returns where the content started and how much was sent.
     *
     * @throws DiskException refused before anything was sent (the session answers it)
     * @throws TransferAbortedException the content broke off (the session must end)
     */
    Resumed downloadFrom(int requestId, User user, DiskPath path, GetFrom request, SessionIo io, String who)
            throws DiskException, IOException {
        Disk.Download download = disk.openForDownload(user, path);
        try (FileChannel file = download.content()) {
            Node node = download.node();
            long size = node.size();
            long offset = 0;
            String prefix = "";
            if (request.offset() > 0 && request.offset() <= size && Sha256.isHex(request.prefixSha256())) {
                String ours = prefixSha256(download, request.offset(), path);
                if (ours.equals(request.prefixSha256())) {
                    offset = request.offset();
                    prefix = ours;
                } else {
                    log.info("{} {} resumes {} from byte {} with a part that is not a prefix of it: sending it all",
                            identity, who, path, request.offset());
                }
            }
            sendContent(new Frame(requestId, new FilePart(node.name(), size, offset,
                    node.blob().orElseThrow().sha256(), prefix)), file, path, offset, size, io, who);
            return new Resumed(offset, size - offset);
        }
    }

    /** What a {@link #downloadFrom} sent: the content from {@code offset}, {@code bytes} of it. */
    record Resumed(long offset, long bytes) {
    }

    private static String prefixSha256(Disk.Download download, long length, DiskPath path) throws DiskException {
        try {
            return download.prefixSha256(length);
        } catch (IOException e) {
            throw new DiskException(ErrorCode.STORAGE_ERROR, "cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Sends {@code header}, then bytes {@code offset} to {@code size - 1} of {@code file}: with sendfile, or, when
     * they are {@value Disk#SMALL_CONTENT} bytes or fewer, read here and written together with the header (one write
     * instead of two, and one wake-up of the client: cheaper than sendfile for so few bytes).
     */
    private void sendContent(Frame header, FileChannel file, DiskPath path, long offset, long size, SessionIo io,
            String who) throws DiskException, IOException {
        long start = System.nanoTime();
        if (size - offset <= Disk.SMALL_CONTENT) {
            ByteBuffer content = ByteBuffer.allocate((int) (size - offset));
            int read = 0;
            while (content.hasRemaining() && read >= 0) {
                read = file.read(content, offset + content.position());
            }
            content.flip();
            if (content.remaining() < size - offset) {
                throw new DiskException(ErrorCode.STORAGE_ERROR, path + " is shorter than its " + size + " bytes");
            }
            sendSmall(header, content, path, offset, io, who);
            return;
        }
        io.writer().write(header);
        var sender = new FileSender();
        long reached;
        try {
            reached = sender.send(file, offset, size, io.socket());
        } catch (IOException e) {
            throw new TransferAbortedException("download of " + path + " stopped after "
                    + (sender.zeroCopied() + sender.copied()) + " of " + (size - offset) + " bytes: "
                    + e.getMessage(), e);
        }
        if (reached < size) {
            throw new TransferAbortedException(path + " shrank to " + reached + " bytes while being sent");
        }
        log.info("{} {} download of {}{}: {} bytes in {} ms ({} by sendfile)", identity, who, path,
                offset > 0 ? " from byte " + offset : "", size - offset, (System.nanoTime() - start) / 1_000_000,
                sender.zeroCopied());
    }

    /** Sends {@code header} and {@code content} (at most {@value Disk#SMALL_CONTENT} bytes) in one write. */
    private void sendSmall(Frame header, ByteBuffer content, DiskPath path, long offset, SessionIo io, String who)
            throws IOException {
        long start = System.nanoTime();
        int bytes = content.remaining();
        try {
            io.reply(header, content);
        } catch (IOException e) {
            throw new TransferAbortedException("download of " + path + " stopped: " + e.getMessage(), e);
        }
        // DEBUG: the audit line already records it, and a few KiB have no rate worth a line (formatting and
        // queueing one per download was 7 % of a worker's CPU serving them); as for small files put inline
        log.debug("{} {} download of {}{}: {} bytes in {} ms (with its header)", identity, who, path,
                offset > 0 ? " from byte " + offset : "", bytes, (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * Receives {@code size} bytes and stores them as {@code path}; returns the stored file.
     *
     * @throws DiskException refused before {@link PutReady}, or failed after all content was read (either way the
     *     stream is in step and the session answers it)
     * @throws TransferAbortedException the client stopped sending (the session must end)
     */
    Node upload(int requestId, User user, DiskPath path, long size, Optional<String> sha256, SessionIo io,
            String who) throws DiskException, IOException {
        requireNothingBuffered(io);
        long start = System.nanoTime();
        return store(requestId, disk.beginUpload(user, path, size), size, sha256, false, io, who, start).node();
    }

    /**
     * A {@link PutFile}: an instant upload if the content is stored and the client proves it holds it (a
     * {@link ProveContent} / {@link ContentProof} exchange), else an upload whose content must hash to the announced
     * SHA-256 before it becomes visible. Returns the stored file and whether it was instant.
     *
     * <p>With {@code resumable} (a client of protocol 1.3 or later), an upload that breaks off keeps what arrived
     * (see {@link Disk#beginResumableUpload}), and one that finds such bytes kept offers them first: a
     * {@link PutResume} / {@link ResumeFrom} exchange, after which {@link PutReady} names the byte to send from.
     *
     * @throws DiskException refused (the session answers it), including a failed proof ({@code TRANSFER_FAILED})
     * @throws TransferAbortedException the client stopped sending or broke the exchange (the session must end)
     */
    Stored putFile(int requestId, User user, DiskPath path, PutFile put, boolean resumable, SessionIo io, String who)
            throws DiskException, IOException {
        requireSha256(put.sha256());
        Optional<BlobId> stored = put.size() == 0 ? Optional.empty() : disk.storedContent(put.sha256(), put.size());
        if (stored.isPresent()) {
            ContentChallenge challenge = disk.challenge(stored.get());
            io.reply(requestId, challenge.message());
            Frame answer = io.reader().read();
            if (answer == null) {
                throw new TransferAbortedException("the client left instead of proving it holds " + path);
            }
            if (!(answer.message() instanceof ContentProof proof) || answer.requestId() != requestId) {
                throw new TransferAbortedException("expected ContentProof for request " + requestId + ", got "
                        + answer.message().type() + " for request " + answer.requestId());
            }
            if (!disk.verify(challenge, proof.hashes())) {
                log.warn("{} {} failed the content proof for {} ({})", identity, who, path, put.sha256());
                throw new DiskException(ErrorCode.TRANSFER_FAILED, path + ": the content proof is wrong: the client"
                        + " does not hold this content; nothing was stored");
            }
            Optional<Node> added = disk.addStoredContent(user, path, stored.get());
            if (added.isPresent()) {
                io.reply(requestId, new PutStored(put.size(), put.sha256(), true));
                log.info("{} {} instant upload of {}: {} bytes, content already stored", identity, who, path,
                        put.size());
                return new Stored(added.get(), true, 0);
            }
            // the stored copy was deleted in between: the content must come after all
        }
        requireNothingBuffered(io);
        long start = System.nanoTime();
        Upload upload = resumable
                ? disk.beginResumableUpload(user, path, put.size(), put.sha256(),
                        (offset, prefixSha256) -> askToResume(requestId, offset, prefixSha256, io, path))
                : disk.beginUpload(user, path, put.size());
        return store(requestId, upload, put.size(), Optional.of(put.sha256()), false, io, who, start);
    }

    /**
     * A {@link PutStream} (1.4): an upload whose SHA-256 follows its content ({@link PutHash}), from a client that then
     * reads its file only once. Taken so only when the content cannot be stored already, since no stored blob has its
     * size, and when it is {@link #STREAM_FROM} bytes or more; otherwise answered {@link HashFirst}, after which the
     * client sends a {@link PutFile}, and empty is returned. A streamed upload that breaks off keeps what arrived, as
     * a resumable {@code PutFile} does, and is offered to the next {@code PutStream} of the same user, path and size.
     *
     * @throws DiskException refused (the session answers it), including a {@code PutHash} that is not the content's
     *     ({@code TRANSFER_FAILED}: nothing stored, nothing kept)
     * @throws TransferAbortedException the client stopped sending or broke the exchange (the session must end)
     */
    Optional<Stored> putStream(int requestId, User user, DiskPath path, PutStream put, SessionIo io, String who)
            throws DiskException, IOException {
        disk.checkUpload(user, path, put.size()); // a refusal is due before the client hashes anything
        if (put.size() < STREAM_FROM || disk.mayStoreContentOfSize(put.size())) {
            io.reply(requestId, new HashFirst());
            log.debug("{} {} upload of {} ({} bytes): hash first", identity, who, path, put.size());
            return Optional.empty();
        }
        requireNothingBuffered(io);
        long start = System.nanoTime();
        Upload upload = disk.beginResumableUpload(user, path, put.size(), "",
                (offset, prefixSha256) -> askToResume(requestId, offset, prefixSha256, io, path));
        return Optional.of(store(requestId, upload, put.size(), Optional.empty(), true, io, who, start));
    }

    /** One {@link PutInline} of a batch: its request id and path, and what became of it. */
    record InlineOutcome(int requestId, String path, long bytes, Optional<Disk.StoredSmall> stored,
                         Optional<DiskException> refusal) {
    }

    /**
     * {@link PutInline} requests, the one being served and those pipelined behind it that have arrived: stored
     * together ({@link Disk#storeSmall}, one metadata commit) and answered in order, each with {@link PutStored}
     * ({@code instant} when its content was stored already) or its refusal. Nothing is read after them.
     */
    List<InlineOutcome> putInline(List<Frame> requests, User user, SessionIo io, String who) throws IOException {
        List<InlineOutcome> outcomes = new ArrayList<>(Collections.nCopies(requests.size(), null));
        List<Disk.SmallFile> files = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            PutInline put = (PutInline) requests.get(i).message();
            try {
                requireSha256(put.sha256());
                DiskPath path = DiskPath.parse(put.path());
                files.add(new Disk.SmallFile(path, put.sha256(), put.content()));
                positions.add(i);
            } catch (DiskException e) {
                outcomes.set(i, new InlineOutcome(requests.get(i).requestId(), put.path(), put.content().length,
                        Optional.empty(), Optional.of(e)));
            }
        }
        List<Disk.StoredSmall> stored;
        try {
            stored = files.isEmpty() ? List.of() : disk.storeSmall(user, files);
        } catch (DiskException e) {
            stored = Collections.nCopies(files.size(), Disk.StoredSmall.refused(e));
        }
        for (int k = 0; k < files.size(); k++) {
            int i = positions.get(k);
            Disk.StoredSmall result = stored.get(k);
            outcomes.set(i, new InlineOutcome(requests.get(i).requestId(), files.get(k).path().toString(),
                    files.get(k).content().length, result.refusal().isEmpty() ? Optional.of(result) : Optional.empty(),
                    result.refusal()));
        }
        for (int i = 0; i < outcomes.size(); i++) {
            InlineOutcome outcome = outcomes.get(i);
            if (outcome.refusal().isPresent()) {
                DiskException e = outcome.refusal().get();
                io.reply(outcome.requestId(), ErrorReply.of(e.code(), e.getMessage()));
            } else {
                io.reply(outcome.requestId(), new PutStored(outcome.bytes(),
                        ((PutInline) requests.get(i).message()).sha256(), outcome.stored().orElseThrow().instant()));
            }
        }
        log.debug("{} {} {} inline uploads", identity, who, requests.size());
        return outcomes;
    }

    /**
     * What an upload stored: the file, whether it was instant (nothing sent), and how many of its first bytes were
     * kept from an earlier, broken-off upload (0 unless it resumed).
     */
    record Stored(Node node, boolean instant, long resumedFrom) {
    }

    /**
     * {@link PutReady} from the upload's offset, the rest of the content into it, then the file stored and answered
     * ({@link PutStored} when the client announced a SHA-256 or, with {@code hashFollows}, sent it after the content
     * in a {@link PutHash}; else {@link PutDone}). If the client stops sending, a resumable upload keeps what arrived.
     */
    private Stored store(int requestId, Upload opened, long size, Optional<String> announced, boolean hashFollows,
            SessionIo io, String who, long start) throws DiskException, IOException {
        DiskPath path = opened.path();
        try (Upload upload = opened) {
            long offset = upload.offset();
            io.reply(requestId, new PutReady(offset));
            DiskException failure;
            Optional<String> sha256 = announced;
            try {
                failure = receive(upload.sink(), size - offset, io, path, requestId);
                if (hashFollows && failure == null) {
                    sha256 = Optional.of(trailer(requestId, io, path));
                }
            } catch (TransferAbortedException e) {
                upload.keepForResume();
                throw e;
            }
            if (failure != null) {
                log.warn("{} upload of {} failed: {}", identity, path, failure.getMessage());
                if (hashFollows) { // read after the discarded content, so that the stream stays in step; a client
                    trailerOrEnd(requestId, io, path); // that left at the refusal ends its session at the next read
                }
                throw failure.answered();
            }
            if (sha256.isPresent()) {
                requireSha256(sha256.get());
            }
            Node stored;
            try {
                stored = upload.commit(sha256);
            } catch (IOException e) {
                throw storageError(path, e);
            }
            io.reply(requestId, sha256.isPresent()
                    ? new PutStored(size, stored.blob().orElseThrow().sha256(), false)
                    : new PutDone(size));
            log.info("{} {} upload of {}: {} bytes in {} ms{}{}", identity, who, path, size - offset,
                    (System.nanoTime() - start) / 1_000_000, offset > 0 ? ", resumed after " + offset : "",
                    hashFollows ? ", streamed" : "");
            return new Stored(stored, false, offset);
        }
    }

    /** A SHA-256 from the client, as the protocol writes it (64 lower-case hex digits); else {@code TRANSFER_FAILED}. */
    private static void requireSha256(String sha256) throws DiskException {
        if (!BlobId.isSha256Hex(sha256)) {
            throw new DiskException(ErrorCode.TRANSFER_FAILED,
                    "not a SHA-256 (64 lower-case hex digits): " + DiskPath.quoted(sha256));
        }
    }

    /**
     * The {@link PutHash} that follows a streamed upload's content: the content's SHA-256 by the client. Any other
     * frame breaks the protocol (answered {@code PROTOCOL_ERROR}, and the session ends).
     *
     * @throws TransferAbortedException the connection ended instead, or the protocol was broken
     */
    private static String trailer(int requestId, SessionIo io, DiskPath path) throws IOException {
        String sha256 = trailerOrEnd(requestId, io, path);
        if (sha256 == null) {
            throw new TransferAbortedException("the connection ended after the content of " + path
                    + ", before its PutHash");
        }
        return sha256;
    }

    /** {@link #trailer}, or null when the connection ended instead. */
    private static String trailerOrEnd(int requestId, SessionIo io, DiskPath path) throws IOException {
        Frame frame;
        try {
            frame = io.reader().read();
        } catch (ProtocolException e) {
            throw violation(io, requestId, "a PutHash was due after the content of " + path + ": " + e.getMessage());
        }
        if (frame == null) {
            return null;
        }
        if (!(frame.message() instanceof PutHash hash) || frame.requestId() != requestId) {
            throw violation(io, requestId, "expected PutHash for request " + requestId + " after the content of "
                    + path + ", got " + frame.message().type() + " for request " + frame.requestId());
        }
        return hash.sha256();
    }

    /**
     * The resume offer on the wire: {@link PutResume}, then the client's {@link ResumeFrom} for the same request,
     * with the offered offset or 0, and nothing sent after it before {@link PutReady}. Anything else breaks the
     * protocol: answered {@code PROTOCOL_ERROR}, and the session ends.
     */
    private static ResumeFrom askToResume(int requestId, long offset, String prefixSha256, SessionIo io,
            DiskPath path) throws IOException {
        io.reply(requestId, new PutResume(offset, prefixSha256));
        Frame answer;
        try {
            // the client hashes its first `offset` bytes before it answers: gigabytes may take minutes, no stall
            answer = io.socket().whileClientWorks(() -> io.reader().read());
        } catch (ProtocolException e) {
            throw violation(io, requestId, "a ResumeFrom was due for " + path + ": " + e.getMessage());
        }
        if (answer == null) {
            throw new TransferAbortedException("the client left instead of answering the resume offer for " + path);
        }
        if (!(answer.message() instanceof ResumeFrom from) || answer.requestId() != requestId) {
            throw violation(io, requestId, "expected ResumeFrom for request " + requestId + ", got "
                    + answer.message().type() + " for request " + answer.requestId());
        }
        if (from.offset() != offset && from.offset() != 0) {
            throw violation(io, requestId, "ResumeFrom offset " + from.offset() + " is neither the offered "
                    + offset + " nor 0");
        }
        if (io.reader().buffered() > 0) {
            throw violation(io, requestId, "content sent before PutReady");
        }
        return from;
    }

    private static TransferAbortedException violation(SessionIo io, int requestId, String message) {
        try {
            io.reply(requestId, ErrorReply.of(ErrorCode.PROTOCOL_ERROR, message + "; closing the connection"));
        } catch (IOException e) {
            // the client is gone anyway
        }
        return new TransferAbortedException("protocol violation: " + message);
    }

    private static void requireNothingBuffered(SessionIo io) throws TransferAbortedException {
        if (io.reader().buffered() > 0) {
            throw new TransferAbortedException("the client sent content before PutReady");
        }
    }

    /**
     * Reads exactly {@code size} content bytes into {@code out}, straight into the buffers it lends. If they cannot be stored (no space, I/O error),
     * answers at once, so that the client can stop sending, then reads and discards the rest so that the stream stays
     * in step, and returns the failure.
     *
     * @throws TransferAbortedException if the client stops sending before {@code size} bytes
     */
    private static DiskException receive(ContentSink out, long size, SessionIo io, DiskPath path, int requestId)
            throws IOException {
        io.flush(); // nothing is held before content (PutReady is never held back), but waiting must not hold
        long received = 0;
        DiskException storageFailure = null;
        ByteBuffer discard = null;
        while (received < size) {
            ByteBuffer buffer;
            if (storageFailure == null) {
                try {
                    buffer = out.buffer();
                } catch (IOException e) {
                    storageFailure = failed(io, requestId, storageError(path, e));
                    continue;
                }
            } else {
                if (discard == null) {
                    discard = ByteBuffer.allocateDirect((int) Math.min(UPLOAD_BUFFER, Math.max(size, 1)));
                }
                buffer = discard.clear();
            }
            buffer.limit((int) Math.min(buffer.limit(), size - received));
            int n;
            try {
                n = io.socket().read(buffer);
            } catch (IOException e) {
                throw new TransferAbortedException("upload of " + path + " stopped after " + received + " of "
                        + size + " bytes: " + e.getMessage(), e);
            }
            if (n < 0) {
                throw new TransferAbortedException("the connection ended after " + received + " of " + size
                        + " bytes of " + path);
            }
            received += n;
            if (storageFailure != null) {
                continue; // discarding the rest, to stay in step
            }
            try {
                out.accept(buffer.flip());
            } catch (IOException e) {
                storageFailure = failed(io, requestId, storageError(path, e));
            }
        }
        return storageFailure;
    }

    /** Answers {@code failure} at once, so that the client can stop sending; returns it. */
    private static DiskException failed(SessionIo io, int requestId, DiskException failure) throws IOException {
        io.reply(requestId, ErrorReply.of(failure.code(), failure.getMessage()));
        return failure;
    }

    private static DiskException storageError(DiskPath path, IOException e) {
        String message = String.valueOf(e.getMessage());
        boolean full = message.contains("No space left") || message.contains("Disk quota exceeded");
        return new DiskException(full ? ErrorCode.NO_SPACE : ErrorCode.STORAGE_ERROR,
                "cannot store " + path + ": " + message, e);
    }
}
