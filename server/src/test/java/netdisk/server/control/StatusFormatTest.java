package netdisk.server.control;

import java.util.List;

import netdisk.server.master.ServerStatus;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StatusFormatTest {

    @Test
    void aStatusSurvivesTheControlSocketFormat() {
        var status = new ServerStatus(4200, "0.1.0", "process", "[::1]:7477", 5230, "running", 1, 256, 12, 11, 1,
                List.of(new ServerStatus.WorkerRow(0, 4201, "idle", 0, 1024, 6, 0),
                        new ServerStatus.WorkerRow(1, 4202, "busy", 3, 1024, 5, 2)));
        String text = StatusFormat.write(status);
        assertThat(StatusFormat.read(text.lines().toList())).isEqualTo(status);
    }

    @Test
    void incompleteAnswersAreRefused() {
        assertThatThrownBy(() -> StatusFormat.read(List.of("netdisk-status 1", "end")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("server line");
        assertThatThrownBy(() -> StatusFormat.read(List.of("HTTP/1.1 200 OK")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StatusFormat.read(List.of("netdisk-status 1", "server pid=x", "end")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
