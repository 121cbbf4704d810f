-- Login sessions and the login throttle (netdisk.server.auth). Same SQL dialect rules as V1: SQLite and PostgreSQL,
-- times in milliseconds since the epoch.

-- One row per login token. Only the SHA-256 of the token is stored, so a copy of the database logs nobody in.
-- A session lives exactly expires_at - last_used_at: last_used_at is the issue or the last renewal (see
-- SessionTokens), not every use, so that checking a token is a read almost every time.
-- Deleting a user deletes their sessions (ON DELETE CASCADE; SQLite needs foreign_keys=ON, see MetadataDatabase).
CREATE TABLE sessions (
    token_sha256 CHAR(64) PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL,
    CHECK (created_at <= last_used_at AND last_used_at < expires_at)
);

CREATE INDEX sessions_user ON sessions (user_id);

-- Failed logins per throttle key ('user:<name>' or 'addr:<ip or IPv6 /64>'), shared by every worker process.
-- Keys are names as typed, whether or not such a user exists, so no row refers to users.
CREATE TABLE login_failures (
    throttle_key    VARCHAR(320) PRIMARY KEY,
    failures        BIGINT NOT NULL CHECK (failures > 0),
    last_failure_at BIGINT NOT NULL,
    locked_until    BIGINT NOT NULL
);
