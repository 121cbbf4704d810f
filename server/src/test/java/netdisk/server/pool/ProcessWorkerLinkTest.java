package netdisk.server.pool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessWorkerLinkTest {

    @TempDir
    Path dir;

    @Test
    void anExitIsDescribedByItsCodeOrSignalAndNamesTheCrashReportIfThereIsOne() {
        Path report = dir.resolve("worker-crash-42.log");
        assertThat(ProcessWorkerLink.describeExit(0, Optional.empty())).isEqualTo("exit code 0");
        assertThat(ProcessWorkerLink.describeExit(137, Optional.empty())).isEqualTo("killed by signal 9");
        assertThat(ProcessWorkerLink.describeExit(134, Optional.of(report)))
                .isEqualTo("killed by signal 6, crash report " + report);
    }

    @Test
    void aCrashReportCountsOnlyIfItWasWrittenSinceTheWorkerStarted() throws Exception {
        Instant started = Instant.now();
        var crash = new ProcessWorkerLink.CrashReport(ProcessWorkerLauncher.crashReport(dir, 42), started);
        assertThat(crash.file()).isEqualTo(dir.resolve("worker-crash-42.log"));
        assertThat(crash.written()).isEmpty(); // none

        Files.writeString(crash.file(), "# A fatal error has been detected\n");
        assertThat(crash.written()).contains(crash.file());

        // an earlier process with the same pid left it: not this worker's
        Files.setLastModifiedTime(crash.file(), FileTime.from(started.minusSeconds(3600)));
        assertThat(crash.written()).isEmpty();
    }
}
