package netdisk.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerConfigTest {

    private static ServerConfig with(int port, int workers, int sessions, int queue) {
        return with(port, workers, sessions, queue, ServerConfig.DEFAULT_SESSION_LIFETIME);
    }

    private static ServerConfig with(int port, int workers, int sessions, int queue, Duration sessionLifetime) {
        return with(port, workers, sessions, queue, sessionLifetime, ServerConfig.DEFAULT_UPLOAD_EXPIRY);
    }

    private static ServerConfig with(int port, int workers, int sessions, int queue, Duration sessionLifetime,
            Duration uploadExpiry) {
        return new ServerConfig("127.0.0.1", port, workers, WorkerMode.PROCESS, Path.of("data"), sessions, queue,
                Duration.ofSeconds(1), Duration.ZERO, Duration.ofSeconds(1), ServerConfig.DEFAULT_IDLE_TIMEOUT,
                ServerConfig.DEFAULT_STALL_TIMEOUT, Duration.ofSeconds(5), false,
                sessionLifetime, ServerConfig.DEFAULT_TICKET_LIFETIME, uploadExpiry,
                ServerConfig.DEFAULT_WORKER_JVM_OPTIONS, Optional.empty(), Optional.empty());
    }

    @Test
    void defaultsAreValidAndPortZeroMeansPickOne() {
        var config = ServerConfig.defaults("::1", 0, Path.of("d"));
        assertThat(config.port()).isZero();
        assertThat(config.workers()).isGreaterThanOrEqualTo(2);
        assertThat(ServerConfig.DEFAULT_PORT).isNotEqualTo(8080);
        assertThat(config.allowRegister()).as("self-registration is off unless asked for").isFalse();
        assertThat(config.sessionLifetime()).isEqualTo(Duration.ofDays(30));
        assertThat(config.uploadExpiry()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void outOfRangeValuesAreRefusedWithTheirName() {
        assertThatThrownBy(() -> with(70000, 1, 1, 0)).hasMessageContaining("port");
        assertThatThrownBy(() -> with(0, 0, 1, 0)).hasMessageContaining("workers");
        assertThatThrownBy(() -> with(0, 1, 0, 0)).hasMessageContaining("sessions per worker");
        assertThatThrownBy(() -> with(0, 1, 1, -1)).hasMessageContaining("queue");
        assertThat(with(0, 1, 1, 0).queueCapacity()).isZero();
        assertThatThrownBy(() -> with(0, 1, 1, 0, Duration.ofSeconds(59))).hasMessageContaining("session lifetime");
        assertThatThrownBy(() -> with(0, 1, 1, 0, Duration.ofDays(3651))).hasMessageContaining("session lifetime");
        assertThat(with(0, 1, 1, 0, Duration.ofMinutes(1)).sessionLifetime()).isEqualTo(Duration.ofMinutes(1));
        var lifetime = ServerConfig.DEFAULT_SESSION_LIFETIME;
        assertThatThrownBy(() -> with(0, 1, 1, 0, lifetime, Duration.ofMillis(999)))
                .hasMessageContaining("upload expiry");
        assertThatThrownBy(() -> with(0, 1, 1, 0, lifetime, Duration.ofDays(3651)))
                .hasMessageContaining("upload expiry");
        assertThat(with(0, 1, 1, 0, lifetime, Duration.ofSeconds(1)).uploadExpiry()).isEqualTo(Duration.ofSeconds(1));
    }
}
