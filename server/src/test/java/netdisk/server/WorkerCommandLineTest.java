package netdisk.server;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import netdisk.server.worker.WorkerMain;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerCommandLineTest {

    private static final String OPTION = "-Djdk.virtualThreadScheduler.parallelism=";

    @Test
    void eachWorkerGetsItsShareOfTheCoresAsCarriersRoundedUp() {
        List<String> defaults = ServerConfig.DEFAULT_WORKER_JVM_OPTIONS;
        assertThat(WorkerCommandLine.carriers(defaults, 2, 2)).contains(OPTION + "1");
        assertThat(WorkerCommandLine.carriers(defaults, 3, 4)).contains(OPTION + "2");
        assertThat(WorkerCommandLine.carriers(defaults, 1, 8)).contains(OPTION + "8");
        assertThat(WorkerCommandLine.carriers(defaults, 4, 1)).contains(OPTION + "1");
        assertThat(WorkerCommandLine.carriers(defaults, 16, 64)).contains(OPTION + "4");
    }

    @Test
    void theOperatorsOwnSettingIsKept() {
        List<String> options = List.of("-Xmx1g", OPTION + "3");
        assertThat(WorkerCommandLine.carriers(options, 2, 2)).isEqualTo(Optional.empty());
        List<String> command = WorkerCommandLine.prefix(options, 2);
        assertThat(command.stream().filter(o -> o.startsWith(OPTION))).containsExactly(OPTION + "3");
    }

    @Test
    void theCommandCarriesTheShareBeforeTheMainClass() {
        List<String> command = WorkerCommandLine.prefix(ServerConfig.DEFAULT_WORKER_JVM_OPTIONS, 1);
        String share = OPTION + Runtime.getRuntime().availableProcessors();
        assertThat(command).contains(share);
        assertThat(command.indexOf(share)).isLessThan(command.indexOf(WorkerMain.class.getName()));
    }
}
