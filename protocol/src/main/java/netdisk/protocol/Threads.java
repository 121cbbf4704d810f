package netdisk.protocol;

/** Waiting for the helper threads of a transfer (hashers), which always end soon once told to. */
public final class Threads {

    private Threads() {
    }

    /**
     * Waits until {@code thread} has ended, even if this thread is interrupted meanwhile; the interrupt is kept (set
     * again) for the caller to see. For threads that end on their own or on a flag, never on an interrupt.
     */
    public static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
