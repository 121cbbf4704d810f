package netdisk.client.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import netdisk.client.ContentHash;
import netdisk.client.NetdiskClient;
import netdisk.client.PutResult;
import netdisk.client.ServerRefusedException;
import netdisk.protocol.PutInline;
import netdisk.protocol.PutStored;
import netdisk.protocol.Sha256;

/**
 * The files of {@code put -r}, several at a time over {@code parallel} transfer connections
 * ({@link ParallelTransfers}). A small file (up to {@link PutInline#MAX_CONTENT}) goes with others in a pipelined batch, content in the
 * frame, so that thousands of them cost no round trip each; a bigger one goes alone, hashed first, verified, resumable
 * and possibly instant, like a single {@code put}. (A server older than 1.3 gets every file alone, on the session's
 * own connection.)
 */
final class TreeUpload {

    /** One file to send: where from, where to, and its size when the tree was walked. */
    record Job(Path file, String remote, long size) {
    }

    /** What went up: files and bytes, how many were instant, how many resumed an earlier upload. */
    record Result(long files, long bytes, long instant, long resumed) {
    }

    /** Requests in flight on one connection. */
    static final int WINDOW = 64;

    private final Remote remote;
    private final int parallel;
    private final boolean resume;
    private final CombinedProgress progress;
    private final AtomicLong files = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong instant = new AtomicLong();
    private final AtomicLong resumed = new AtomicLong();

    TreeUpload(Remote remote, int parallel, boolean resume, CombinedProgress progress) {
        this.remote = remote;
        this.parallel = parallel;
        this.resume = resume;
        this.progress = progress;
    }

    Result run(List<Job> jobs) throws Exception {
        boolean pipelined = remote.client().supportsTransferConnections(); // PutInline is 1.3
        List<Job> alone = new ArrayList<>();
        List<Job> batched = new ArrayList<>();
        for (Job job : jobs) {
            (pipelined && job.size() <= PutInline.MAX_CONTENT ? batched : alone).add(job);
        }
        new ParallelTransfers<>(remote, parallel, "put", new ParallelTransfers.Mover<Job>() {
            @Override
            public void alone(NetdiskClient client, Job job) throws IOException {
                uploadAlone(client, job);
            }

            @Override
            public void batch(NetdiskClient client, List<Job> batch) throws IOException {
                uploadBatch(client, batch);
            }
        }).run(alone, batched);
        return new Result(files.get(), bytes.get(), instant.get(), resumed.get());
    }

    private void uploadAlone(NetdiskClient client, Job job) throws IOException {
        try (FileChannel channel = open(job.file())) {
            long size = channel.size();
            CombinedProgress.FileProgress file = progress.file();
            Optional<PutResult> streamed = size >= NetdiskClient.STREAMED_FROM
                    ? client.putStream(channel, size, job.remote(), resume, file) : Optional.empty();
            PutResult stored = streamed.isPresent() ? streamed.get() : client.putFile(channel, size,
                    ContentHash.of(channel, size, hashed -> remote.checkCancelled()), job.remote(), resume, file);
            file.done(size);
            counted(size, stored.instant());
            if (stored.resumed()) {
                resumed.incrementAndGet();
            }
        }
    }

    private void uploadBatch(NetdiskClient client, List<Job> batch) throws IOException {
        long[] sizes = new long[batch.size()];
        Iterator<PutInline> puts = new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < batch.size();
            }

            @Override
            public PutInline next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Job job = batch.get(next);
                byte[] content = read(job);
                sizes[next++] = content.length;
                return new PutInline(job.remote(), Sha256.hexOf(content), content);
            }
        };
        try {
            client.putInline(puts, WINDOW, new NetdiskClient.InlineAnswers() {
                @Override
                public void stored(int index, PutStored stored) {
                    progress.completed(sizes[index]);
                    counted(sizes[index], stored.instant());
                }

                @Override
                public void refused(int index, ServerRefusedException refusal) throws ServerRefusedException {
                    throw refusal; // the rest of the batch is not read: this connection is closed with the failure
                }
            });
        } catch (UncheckedLocalFileException e) {
            throw e.getCause();
        }
    }

    private void counted(long size, boolean wasInstant) {
        files.incrementAndGet();
        bytes.addAndGet(size);
        if (wasInstant) {
            instant.incrementAndGet();
        }
    }

    private static byte[] read(Job job) {
        byte[] content;
        try {
            content = Files.readAllBytes(job.file());
        } catch (IOException e) {
            throw new UncheckedLocalFileException(new LocalFileException("cannot read " + job.file() + ": "
                    + e.getMessage(), e));
        }
        if (content.length > PutInline.MAX_CONTENT) {
            throw new UncheckedLocalFileException(new LocalFileException(job.file() + " grew to " + content.length
                    + " bytes while the tree was being uploaded; put it again"));
        }
        return content;
    }

    private static FileChannel open(Path file) throws LocalFileException {
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new LocalFileException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** A local read failure inside the lazy iterator of a pipelined batch. */
    private static final class UncheckedLocalFileException extends RuntimeException {
        UncheckedLocalFileException(LocalFileException cause) {
            super(cause);
        }

        @Override
        public synchronized LocalFileException getCause() {
            return (LocalFileException) super.getCause();
        }
    }
}
