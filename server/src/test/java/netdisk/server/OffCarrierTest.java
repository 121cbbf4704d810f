package netdisk.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import netdisk.server.linux.Libc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OffCarrierTest {

    /** {@code call}'s outcome as seen by a virtual thread that makes it. */
    private static <T> T onVirtualThread(OffCarrier.Call<T, Exception> call) throws Exception {
        var outcome = new CompletableFuture<T>();
        Thread.ofVirtual().start(() -> {
            try {
                outcome.complete(call.call());
            } catch (Throwable t) {
                outcome.completeExceptionally(t);
            }
        });
        try {
            return outcome.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw (Exception) e.getCause();
        }
    }

    @Test
    void aPlatformThreadRunsTheCallItself() {
        Thread caller = Thread.currentThread();
        assertThat(OffCarrier.call(Thread::currentThread)).isSameAs(caller);
    }

    @Test
    void aVirtualThreadHasItsCallRunOnAPlatformThreadAndGetsItsValue() throws Exception {
        Thread runner = onVirtualThread(() -> OffCarrier.call(Thread::currentThread));
        assertThat(runner.isVirtual()).isFalse();
        assertThat(runner.getName()).startsWith("off-carrier-");
        assertThat(runner.isDaemon()).as("the pool never keeps a JVM alive").isTrue();
        assertThat(onVirtualThread(() -> OffCarrier.call(() -> "value"))).isEqualTo("value");
    }

    @Test
    void whatTheCallThrowsReachesTheCallerUnchanged() {
        var checked = new IOException("disk gone");
        var unchecked = new IllegalStateException("bug");
        var error = new AssertionError("worse");
        assertThatThrownBy(() -> onVirtualThread(() -> OffCarrier.call(() -> {
            throw checked;
        }))).isSameAs(checked);
        assertThatThrownBy(() -> onVirtualThread(() -> OffCarrier.call(() -> {
            throw unchecked;
        }))).isSameAs(unchecked);
        assertThatThrownBy(() -> onVirtualThread(() -> {
            OffCarrier.run(() -> {
                throw error;
            });
            return null;
        })).isSameAs(error);
    }

    @Test
    void anInterruptedCallerStillWaitsForTheCallAndKeepsItsInterrupt() throws Exception {
        var started = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var seen = new AtomicReference<String>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                String value = OffCarrier.call(() -> {
                    started.countDown();
                    release.await();
                    return "finished";
                });
                seen.set(value + ", interrupted " + Thread.currentThread().isInterrupted());
            } catch (InterruptedException e) {
                seen.set("the call was interrupted");
            }
        });
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        caller.interrupt();
        Thread.sleep(50); // the caller wakes, sees the call unfinished, and parks again
        assertThat(caller.isAlive()).as("returned before the call finished").isTrue();
        release.countDown();
        caller.join(30_000);
        assertThat(seen.get()).isEqualTo("finished, interrupted true");
    }

    /**
     * The point of it all: as many virtual threads as there are carriers sit in a native call that blocks (a
     * {@code recvmsg} through FFM, which holds a carrier as a JNI call into SQLite does), and another virtual thread
     * still runs. Called inline, they would hold every carrier until the data came.
     */
    @Test
    void virtualThreadsInBlockingNativeCallsLeaveTheCarriersFree() throws Exception {
        int carriers = Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
                Runtime.getRuntime().availableProcessors());
        int blocked = Math.min(carriers, OffCarrier.THREADS - 1);
        List<int[]> pairs = new ArrayList<>();
        List<Thread> callers = new ArrayList<>();
        try {
            for (int i = 0; i < blocked; i++) {
                int[] pair = Libc.socketpair();
                pairs.add(pair);
                callers.add(Thread.ofVirtual().start(() -> {
                    try {
                        OffCarrier.call(() -> Libc.receiveMessage(pair[0], new byte[1], 0, 1));
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                }));
            }
            Thread.sleep(200); // let them all enter recvmsg
            var ran = new CountDownLatch(1);
            Thread.ofVirtual().start(ran::countDown);
            assertThat(ran.await(10, TimeUnit.SECONDS)).as("a virtual thread ran while the others waited").isTrue();
        } finally {
            for (int[] pair : pairs) {
                Libc.sendMessage(pair[1], new byte[] {1}, -1);
            }
            for (Thread caller : callers) {
                caller.join(30_000);
            }
            for (int[] pair : pairs) {
                Libc.closeQuietly(pair[0]);
                Libc.closeQuietly(pair[1]);
            }
        }
    }
}
