package netdisk.client.cli;

import java.io.PrintWriter;

import netdisk.client.TransferListener;
import netdisk.client.progress.ProgressBar;

/** Shows a transfer as a {@link ProgressBar} on stderr. */
final class ProgressListener implements TransferListener, AutoCloseable {

    private final String verb;
    private final ProgressBar.Style style;
    private final PrintWriter err;
    private ProgressBar bar;

    ProgressListener(String verb, boolean quiet, PrintWriter err) {
        this.verb = verb;
        this.style = ProgressBar.styleFor(quiet);
        this.err = err;
    }

    @Override
    public void started(String name, long size, long offset) {
        bar = ProgressBar.create(verb + " " + name, size, offset, style, err);
    }

    @Override
    public void advanced(long bytes) {
        bar.advance(bytes);
    }

    /** The transfer completed. */
    void finish() {
        if (bar != null) {
            bar.finish();
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
