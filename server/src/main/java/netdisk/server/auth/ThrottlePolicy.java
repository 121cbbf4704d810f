package netdisk.server.auth;

import java.time.Duration;
import java.util.Objects;

/**
 * How many failed logins a throttle key may have before it is locked, and for how long.
 *
 * <p>The {@code n}-th failure of a key (counted since its failures were last forgotten) locks the key for
 * {@code min(2^(n - free) seconds, maxLock)} once {@code n > free}, where {@code free} is {@link #freeUserFailures}
 * for a user key and {@link #freeAddressFailures} for an address key. A key's failures are forgotten once
 * {@link #forgetAfter} has passed since its last failure. With the {@link #DEFAULT}: a user name gets 5 free
 * failures, then locks of 2 s, 4 s, 8 s, … up to 15 minutes; an address gets 20; an hour without failures and the
 * count starts again.
 *
 * <p>The lock doubles rather than being fixed so that a person who mistypes a few times waits seconds, while a
 * guesser is held to a handful of guesses an hour once the locks reach their cap; the user key gets fewer free
 * failures because it protects one account, the address key more because many people may share one address.
 *
 * @param freeUserFailures failures of a user key that lock nothing
 * @param freeAddressFailures failures of an address key that lock nothing
 * @param maxLock the longest lock; at most {@code forgetAfter}, so that no lock outlives the count behind it
 * @param forgetAfter how long after a key's last failure its failures are forgotten
 */
public record ThrottlePolicy(int freeUserFailures, int freeAddressFailures, Duration maxLock, Duration forgetAfter) {

    public static final ThrottlePolicy DEFAULT =
            new ThrottlePolicy(5, 20, Duration.ofMinutes(15), Duration.ofHours(1));

    public ThrottlePolicy {
        Objects.requireNonNull(maxLock, "maxLock");
        Objects.requireNonNull(forgetAfter, "forgetAfter");
        if (freeUserFailures < 0 || freeAddressFailures < 0) {
            throw new IllegalArgumentException("free failures must not be negative");
        }
        if (maxLock.toMillis() < 1000) {
            throw new IllegalArgumentException("the longest lock must be at least 1 s: " + maxLock);
        }
        if (forgetAfter.compareTo(maxLock) < 0) {
            throw new IllegalArgumentException("failures must be remembered at least as long as the longest lock");
        }
    }

    /** How long the {@code failures}-th failure locks a key that has {@code free} free failures. */
    public Duration lockAfter(long failures, int free) {
        long exponent = failures - free;
        if (exponent <= 0) {
            return Duration.ZERO;
        }
        if (exponent >= Long.SIZE - 2 || (1L << exponent) >= maxLock.toSeconds()) {
            return maxLock;
        }
        return Duration.ofSeconds(1L << exponent);
    }
}
