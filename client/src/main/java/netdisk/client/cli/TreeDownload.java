package netdisk.client.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import netdisk.client.NetdiskClient;
import netdisk.client.ResumableDownload;
import netdisk.client.TransferListener;
import netdisk.protocol.FileInfo;
import netdisk.protocol.PutInline;

/**
 * The files of {@code get -r}, several at a time over {@code parallel} transfer connections
 * ({@link ParallelTransfers}). Small files (up to {@link PutInline#MAX_CONTENT}, by the listing) come in pipelined
 * batches of {@code GetFile} requests, so that thousands of them cost no round trip each; bigger ones come alone, as
 * a single {@code get} does (resumable, through {@link ResumableDownload}). Every file is verified (SHA-256) and
 * written to a temporary file beside its target, renamed into place only when complete.
 */
final class TreeDownload {

    /** One file to fetch: from where, to where, and its size in the listing. */
    record Job(String remote, Path target, long size) {
    }

    /** What came down, and how much of it was there already (resumed partial files). */
    record Result(long files, long bytes, long resumedBytes) {
    }

    /**
     * Requests in flight on one connection. Their answers' content waits in the socket's buffers, which the kernel
     * bounds, not in this process. 64 rather than 16: a {@code get -r} of 10,000 files of 4 KiB took 1.28–1.54 s
     * instead of 1.37–1.57 s, interleaved (docs/benchmarks.md).
     */
    static final int WINDOW = 64;

    private final Remote remote;
    private final int parallel;
    private final boolean resume;
    private final CombinedProgress progress;
    private final AtomicLong files = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong resumedBytes = new AtomicLong();

    TreeDownload(Remote remote, int parallel, boolean resume, CombinedProgress progress) {
        this.remote = remote;
        this.parallel = parallel;
        this.resume = resume;
        this.progress = progress;
    }

    Result run(List<Job> jobs) throws Exception {
        List<Job> alone = new ArrayList<>();
        List<Job> batched = new ArrayList<>();
        for (Job job : jobs) {
            boolean partial = Files.exists(ResumableDownload.into(job.target()).partial()); // resumed (or dropped) alone
            (job.size() <= PutInline.MAX_CONTENT && !partial ? batched : alone).add(job);
        }
        new ParallelTransfers<>(remote, parallel, "get", new ParallelTransfers.Mover<Job>() {
            @Override
            public void alone(NetdiskClient client, Job job) throws IOException {
                downloadAlone(client, job);
            }

            @Override
            public void batch(NetdiskClient client, List<Job> batch) throws IOException {
                downloadBatch(client, batch);
            }
        }).run(alone, batched);
        return new Result(files.get(), bytes.get(), resumedBytes.get());
    }

    private void downloadAlone(NetdiskClient client, Job job) throws IOException {
        CombinedProgress.FileProgress file = progress.file();
        ResumableDownload.Result result = ResumableDownload.into(job.target()).resume(resume)
                .download(client, job.remote(), file);
        file.done(result.size());
        counted(result.size());
        resumedBytes.addAndGet(result.resumedFrom());
    }

    private void downloadBatch(NetdiskClient client, List<Job> batch) throws IOException {
        var sinks = new BatchSinks(batch);
        try {
            client.getFiles(batch.stream().map(Job::remote).iterator(), WINDOW, sinks, sinks);
        } finally {
            sinks.discardOpen();
        }
    }

    private void counted(long size) {
        files.incrementAndGet();
        bytes.addAndGet(size);
    }

    /** Where the files of one batch go: each into a temporary file, renamed onto its target once verified. */
    private final class BatchSinks implements NetdiskClient.DownloadSinks, TransferListener {
        private final List<Job> batch;
        private Path temporary;
        private FileChannel channel;
        private CombinedProgress.FileProgress file;

        BatchSinks(List<Job> batch) {
            this.batch = batch;
        }

        @Override
        public WritableByteChannel open(int index, FileInfo info) throws IOException {
            Path target = batch.get(index).target();
            Path directory = target.toAbsolutePath().getParent();
            // unique enough with CREATE_NEW behind it; UUID.randomUUID's SecureRandom cost 2.5 % of a get -r's CPU
            temporary = directory.resolve("." + target.getFileName() + ".netdisk-part-"
                    + Long.toHexString(ThreadLocalRandom.current().nextLong()));
            try {
                channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (IOException e) {
                temporary = null;
                throw new LocalFileException("cannot create " + target + ": " + e.getMessage(), e);
            }
            return channel;
        }

        @Override
        public void started(String name, long size, long offset) {
            file = progress.file();
            file.started(name, size, offset);
        }

        @Override
        public void advanced(long moved) {
            file.advanced(moved);
        }

        @Override
        public void completed(int index, FileInfo info) throws IOException {
            channel.close();
            channel = null;
            Files.move(temporary, batch.get(index).target(), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            temporary = null;
            file.done(info.size());
            counted(info.size());
        }

        @Override
        public void failed(int index, IOException failure) throws IOException {
            discardOpen();
            throw failure;
        }

        /** Deletes the temporary file of a download that did not complete. */
        void discardOpen() throws IOException {
            if (channel != null) {
                channel.close();
                channel = null;
            }
            if (temporary != null) {
                Files.deleteIfExists(temporary);
                temporary = null;
            }
        }
    }
}
