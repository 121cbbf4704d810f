package netdisk.server.worker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import netdisk.protocol.ErrorCode;
import netdisk.protocol.ErrorReply;
import netdisk.protocol.FileHeader;
import netdisk.protocol.GetRequest;
import netdisk.protocol.PutDone;
import netdisk.protocol.PutReady;
import netdisk.protocol.PutRequest;
import netdisk.server.files.FileArea;
import netdisk.server.files.FileAreaException;
import netdisk.server.files.RemotePath;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads and uploads of one worker, on the sessions' own threads.
 *
 * <p>Download: {@link FileHeader}, then the content with sendfile ({@link FileSender}: the bytes do not enter the
 * JVM).
 * Upload: {@link PutReady}, then the content into a temporary file, which becomes visible under its name only once
 * complete and flushed ({@link FileArea#publish}); a failed or abandoned upload leaves nothing behind.
 */
final class FileTransfers {

    private static final Logger log = LoggerFactory.getLogger(FileTransfers.class);
    private static final int UPLOAD_BUFFER = 1 << 20;

    private final FileArea area;
    private final WorkerIdentity identity;

    FileTransfers(FileArea area, WorkerIdentity identity) {
        this.area = area;
        this.identity = identity;
    }

    void download(int requestId, GetRequest request, SessionIo io, String who) throws IOException {
        RemotePath path;
        FileChannel file;
        try {
            path = RemotePath.parse(request.path());
            file = area.openForReading(path);
        } catch (FileAreaException e) {
            io.reply(requestId, ErrorReply.of(e.code(), e.getMessage()));
            return;
        }
        try (file) {
            long size = file.size();
            if (request.offset() > size) {
                io.reply(requestId, ErrorReply.of(ErrorCode.TRANSFER_FAILED,
                        "offset " + request.offset() + " is past the end of " + path + " (" + size + " bytes)"));
                return;
            }
            io.reply(requestId, new FileHeader(path.fileName(), size, request.offset()));
            long start = System.nanoTime();
            var sender = new FileSender();
            long reached;
            try {
                reached = sender.send(file, request.offset(), size, io.channel());
            } catch (IOException e) {
                throw new TransferAbortedException("download of " + path + " stopped after "
                        + (sender.zeroCopied() + sender.copied()) + " of " + (size - request.offset()) + " bytes: "
                        + e.getMessage(), e);
            }
            if (reached < size) {
                throw new TransferAbortedException(path + " shrank to " + reached + " bytes while being sent");
            }
            log.info("{} {} download of {}: {} bytes in {} ms ({} by sendfile)", identity, who, path,
                    size - request.offset(), (System.nanoTime() - start) / 1_000_000, sender.zeroCopied());
        }
    }

    void upload(int requestId, PutRequest request, SessionIo io, String who) throws IOException {
        RemotePath path;
        Path target;
        try {
            path = RemotePath.parse(request.path());
            target = area.uploadTarget(path);
        } catch (FileAreaException e) {
            io.reply(requestId, ErrorReply.of(e.code(), e.getMessage()));
            return;
        }
        if (io.reader().buffered() > 0) {
            throw new TransferAbortedException("the client sent content before PutReady");
        }
        long usable = area.usableSpace();
        if (request.size() > usable) {
            io.reply(requestId, ErrorReply.of(ErrorCode.NO_SPACE, "cannot store " + path + ": it needs "
                    + request.size() + " bytes and the server has " + usable + " left"));
            return;
        }
        Path upload = area.newUpload(identity.pid());
        long start = System.nanoTime();
        try (FileChannel out = FileChannel.open(upload, StandardOpenOption.WRITE)) {
            io.reply(requestId, new PutReady(0));
            long received = receive(out, request.size(), io, path, requestId);
            if (received < 0) {
                return; // refused half-way and the rest discarded: the session goes on
            }
            area.publish(upload, out, target);
            upload = null;
            io.reply(requestId, new PutDone(request.size()));
            log.info("{} {} upload of {}: {} bytes in {} ms", identity, who, path, request.size(),
                    (System.nanoTime() - start) / 1_000_000);
        } finally {
            if (upload != null) {
                Files.deleteIfExists(upload);
            }
        }
    }

    /**
     * Reads exactly {@code size} content bytes into {@code out}. If the file cannot be written (no space, I/O error),
     * answers at once with an error, then reads and discards the rest so the stream stays in step, and returns -1.
     *
     * @throws TransferAbortedException if the client stops sending before {@code size} bytes
     */
    private long receive(FileChannel out, long size, SessionIo io, RemotePath path, int requestId)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect((int) Math.min(UPLOAD_BUFFER, Math.max(size, 1)));
        long received = 0;
        IOException storageFailure = null;
        try (var writeBehind = new WriteBehind(out)) {
            while (received < size) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), size - received));
                int n;
                try {
                    n = io.channel().read(buffer);
                } catch (IOException e) {
                    throw new TransferAbortedException("upload of " + path + " stopped after " + received + " of "
                            + size + " bytes: " + e.getMessage(), e);
                }
                if (n < 0) {
                    throw new TransferAbortedException("the client left after " + received + " of " + size
                            + " bytes of " + path);
                }
                received += n;
                if (storageFailure != null) {
                    continue; // discarding the rest, to stay in step
                }
                buffer.flip();
                try {
                    while (buffer.hasRemaining()) {
                        out.write(buffer);
                    }
                    writeBehind.written(received);
                    if (writeBehind.failure() != null) {
                        throw writeBehind.failure();
                    }
                } catch (IOException e) {
                    storageFailure = e;
                    io.reply(requestId, storageError(path, e));
                    log.warn("{} upload of {} failed after {} bytes: {}", identity, path, received, e.getMessage());
                }
            }
        }
        return storageFailure == null ? received : -1;
    }

    private static ErrorReply storageError(RemotePath path, IOException e) {
        String message = String.valueOf(e.getMessage());
        boolean full = message.contains("No space left") || message.contains("Disk quota exceeded");
        return ErrorReply.of(full ? ErrorCode.NO_SPACE : ErrorCode.STORAGE_ERROR,
                "cannot store " + path + ": " + message);
    }
}
