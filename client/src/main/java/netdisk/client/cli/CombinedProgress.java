package netdisk.client.cli;

import java.io.PrintWriter;

import netdisk.client.TransferListener;
import netdisk.client.progress.ProgressBar;

/**
 * One progress bar for many files moving at once ({@code put -r}, {@code get -r}): all their bytes against the total,
 * and how many files are done, e.g. {@code put 37/10000 files}. Each file reports through a listener of its own
 * ({@link #file()}); thread-safe.
 */
final class CombinedProgress implements AutoCloseable {

    private final String verb;
    private final int files;
    private final ProgressBar bar;
    private int done;

    CombinedProgress(String verb, int files, long totalBytes, ProgressBar.Style style, PrintWriter err) {
        this.verb = verb;
        this.files = files;
        this.bar = ProgressBar.create(label(verb, 0, files), totalBytes, 0, style, err);
    }

    private static String label(String verb, int done, int files) {
        return verb + " " + done + "/" + files + (files == 1 ? " file" : " files");
    }

    /** A listener for one file's transfer; {@link FileProgress#done} when it is complete. */
    FileProgress file() {
        return new FileProgress();
    }

    /** A whole file done without its bytes having been reported (an instant or pipelined upload): counts them all. */
    synchronized void completed(long size) {
        done++;
        bar.relabel(label(verb, done, files));
        bar.advance(size);
    }

    synchronized void finish() {
        bar.finish();
    }

    @Override
    public synchronized void close() {
        bar.close();
    }

    private synchronized void advance(long bytes) {
        bar.advance(bytes);
    }

    /** One file's share of the bar. */
    final class FileProgress implements TransferListener {
        private long counted;

        @Override
        public void started(String name, long fileSize, long offset) {
            count(offset); // resumed: what was there already counts as done
        }

        @Override
        public void advanced(long bytes) {
            count(bytes);
        }

        private void count(long bytes) {
            counted += bytes;
            advance(bytes);
        }

        /** The file is complete: whatever of it was not reported (an instant upload: all of it) counts now. */
        void done(long fileSize) {
            long rest = Math.max(0, fileSize - counted);
            counted = fileSize;
            completed(rest);
        }
    }
}
