package netdisk.server.master;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class UploadExpiryTest {

    @Test
    void sweepsEveryQuarterOfTheExpiryButNotMoreThanOnceASecondNorLessThanOnceAnHour() {
        assertThat(UploadExpiry.interval(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(1));
        assertThat(UploadExpiry.interval(Duration.ofSeconds(4))).isEqualTo(Duration.ofSeconds(1));
        assertThat(UploadExpiry.interval(Duration.ofMinutes(10))).isEqualTo(Duration.ofSeconds(150));
        assertThat(UploadExpiry.interval(Duration.ofHours(4))).isEqualTo(Duration.ofHours(1));
        assertThat(UploadExpiry.interval(Duration.ofDays(7))).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void theLogSpellsTheExpiryAsTheOptionIsWritten() {
        assertThat(UploadExpiry.spelled(Duration.ofDays(7))).isEqualTo("7d");
        assertThat(UploadExpiry.spelled(Duration.ofHours(36))).isEqualTo("36h");
        assertThat(UploadExpiry.spelled(Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(UploadExpiry.spelled(Duration.ofSeconds(2))).isEqualTo("2s");
        assertThat(UploadExpiry.spelled(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }
}
