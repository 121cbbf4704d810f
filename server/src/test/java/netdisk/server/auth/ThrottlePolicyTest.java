package netdisk.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class ThrottlePolicyTest {

    private static final ThrottlePolicy POLICY = ThrottlePolicy.DEFAULT;

    @Test
    void theDefaultIsFiveFreeFailuresPerUserTwentyPerAddressFifteenMinutesAtMostForgottenAfterAnHour() {
        assertThat(POLICY).isEqualTo(new ThrottlePolicy(5, 20, Duration.ofMinutes(15), Duration.ofHours(1)));
    }

    @Test
    void locksDoubleFromTwoSecondsAfterTheFreeFailuresUpToTheCap() {
        assertThat(POLICY.lockAfter(0, 5)).isZero();
        assertThat(POLICY.lockAfter(5, 5)).isZero();
        assertThat(POLICY.lockAfter(6, 5)).isEqualTo(Duration.ofSeconds(2));
        assertThat(POLICY.lockAfter(7, 5)).isEqualTo(Duration.ofSeconds(4));
        assertThat(POLICY.lockAfter(14, 5)).isEqualTo(Duration.ofSeconds(512));
        assertThat(POLICY.lockAfter(15, 5)).isEqualTo(Duration.ofMinutes(15));
        assertThat(POLICY.lockAfter(20, 20)).isZero();
        assertThat(POLICY.lockAfter(21, 20)).isEqualTo(Duration.ofSeconds(2));
        assertThat(POLICY.lockAfter(100, 5)).isEqualTo(Duration.ofMinutes(15));
        assertThat(POLICY.lockAfter(Long.MAX_VALUE, 0)).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void nonsensePoliciesAreRefused() {
        assertThatThrownBy(() -> new ThrottlePolicy(-1, 20, Duration.ofMinutes(1), Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ThrottlePolicy(5, 20, Duration.ofMillis(10), Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ThrottlePolicy(5, 20, Duration.ofHours(2), Duration.ofHours(1)))
                .hasMessageContaining("longest lock");
    }
}
