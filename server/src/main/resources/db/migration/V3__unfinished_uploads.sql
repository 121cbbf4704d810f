-- Uploads that broke off and are kept so that they can be resumed (netdisk.server.storage.UnfinishedUploads). Same
-- SQL dialect rules as V1 and V2: SQLite and PostgreSQL, times in milliseconds since the epoch.
--
-- One row per kept upload, found again by what a resuming PutFile names: the user, the path (the client's path as
-- the server normalises it, e.g. '/isos/big.iso'), the size and the SHA-256 of the whole content. A path may take
-- 4,096 bytes, more than a PostgreSQL index entry holds, so the four are unique through upload_key, the SHA-256 of
-- all four (UnfinishedUploads.Key), and a lookup compares the four columns as well. The bytes received so far are
-- the file DATA/blobs/partial/<partial_id>.part, named by the random partial_id alone, never by client text.
-- updated_at is when an upload last used the row; the master deletes rows (and their files) that no upload used for
-- the upload expiry. Deleting a user deletes their rows (ON DELETE CASCADE); the files left without a row are
-- deleted by the master's next sweep.
CREATE TABLE unfinished_uploads (
    partial_id CHAR(32) PRIMARY KEY,
    upload_key CHAR(64) NOT NULL UNIQUE,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    path       VARCHAR(4096) NOT NULL,
    size       BIGINT NOT NULL CHECK (size >= 0),
    sha256     CHAR(64) NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX unfinished_uploads_user ON unfinished_uploads (user_id);
CREATE INDEX unfinished_uploads_updated ON unfinished_uploads (updated_at);
