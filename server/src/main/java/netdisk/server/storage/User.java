package netdisk.server.storage;

import java.time.Instant;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * An account. {@code passwordHash} is whatever the authentication layer stores (an encoded Argon2id hash); this
 * package never sees a password. An empty {@code quotaBytes} means no quota.
 */
public record User(long id, String name, String passwordHash, OptionalLong quotaBytes, Instant createdAt) {

    public User {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(passwordHash, "passwordHash");
        Objects.requireNonNull(quotaBytes, "quotaBytes");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
