package netdisk.server.logging;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.AppenderBase;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class BatchingAppenderTest {

    private static final class Collecting extends AppenderBase<ILoggingEvent> {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            lines.add(event.getThreadName() + ": " + event.getFormattedMessage());
        }
    }

    private static Logger logger(LoggerContext context, BatchingAppender batching) {
        Logger logger = context.getLogger("test");
        logger.setAdditive(false);
        logger.setLevel(Level.INFO);
        logger.addAppender(batching);
        return logger;
    }

    @Test
    void linesArriveInOrderWithTheirThreadsAndEverythingIsWrittenOnStop() throws Exception {
        var context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        context.start();
        var sink = new Collecting();
        sink.setContext(context);
        sink.start();
        var batching = new BatchingAppender();
        batching.setContext(context);
        batching.setPeriodMillis(5);
        batching.addAppender(sink);
        batching.start();
        Logger logger = logger(context, batching);

        Thread.ofPlatform().name("session-1").start(() -> logger.info("hand-off {}", 1)).join();
        await().until(() -> sink.lines.size() == 1);
        assertThat(sink.lines).containsExactly("session-1: hand-off 1");

        batching.setPeriodMillis(60_000); // no longer matters: the writer already sleeps with the old period
        for (int i = 2; i <= 1000; i++) {
            logger.info("hand-off {}", i);
        }
        batching.stop();
        assertThat(sink.lines).hasSize(1000);
        assertThat(sink.lines.getLast()).endsWith("hand-off 1000");
        assertThat(sink.isStarted()).as("stopping stops the appenders behind it").isFalse();
    }
}
