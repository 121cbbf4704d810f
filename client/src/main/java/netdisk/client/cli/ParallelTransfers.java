package netdisk.client.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

import netdisk.client.NetdiskClient;
import netdisk.client.TransferConnection;

/**
 * Files moved over several transfer connections at once, for {@code put -r} and {@code get -r}: up to
 * {@code parallel} threads, each on a transfer connection of its own, take files from shared queues: one file alone
 * when there is one, else a batch of up to {@link #BATCH} pipelined ones. The first failure stops every connection
 * after its current file or batch and is thrown; what was moved until then stays.
 *
 * @param <J> one file to move
 */
final class ParallelTransfers<J> {

    /** How files move: alone, or many pipelined in one batch. */
    interface Mover<J> {
        void alone(NetdiskClient client, J job) throws Exception;

        void batch(NetdiskClient client, List<J> jobs) throws Exception;
    }

    /** Files per pipelined batch. */
    static final int BATCH = 64;

    private final Remote remote;
    private final int parallel;
    private final String name;
    private final Mover<J> mover;
    private final Queue<J> alone = new ConcurrentLinkedQueue<>();
    private final Queue<J> batched = new ConcurrentLinkedQueue<>();
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    /** {@code name} names the threads ({@code put-1}, ...). */
    ParallelTransfers(Remote remote, int parallel, String name, Mover<J> mover) {
        this.remote = remote;
        this.parallel = parallel;
        this.name = name;
        this.mover = mover;
    }

    /** Moves {@code aloneJobs} one by one and {@code batchedJobs} in batches; returns when all are moved. */
    void run(List<J> aloneJobs, List<J> batchedJobs) throws Exception {
        alone.addAll(aloneJobs);
        batched.addAll(batchedJobs);
        int connections = (int) Math.max(1, Math.min(parallel, alone.size() + (batched.size() + BATCH - 1) / BATCH));
        List<Thread> threads = new ArrayList<>();
        for (int i = 1; i <= connections; i++) {
            threads.add(Thread.ofPlatform().name(name + "-" + i).daemon().start(this::work));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        Exception failed = failure.get();
        if (failed != null) {
            throw failed;
        }
    }

    private void work() {
        TransferConnection connection = null;
        try {
            connection = remote.openTransfer();
            while (failure.get() == null) {
                J job = alone.poll();
                if (job != null) {
                    mover.alone(connection.client(), job);
                    continue;
                }
                List<J> batch = new ArrayList<>(BATCH);
                while (batch.size() < BATCH && (job = batched.poll()) != null) {
                    batch.add(job);
                }
                if (batch.isEmpty()) {
                    return;
                }
                mover.batch(connection.client(), batch);
            }
        } catch (Exception e) {
            failure.compareAndSet(null, e);
        } finally {
            if (connection != null) {
                remote.closed(connection);
            }
        }
    }
}
