-- Each user's stored bytes, kept by the changes themselves so that a quota check reads one row instead of summing
-- the user's files (netdisk.server.storage.UsageCounter). Same SQL dialect rules as V1 to V3.
--
-- used_bytes is what the usage has always been: the sum of the sizes of the user's files, each file counted even
-- when several files (the user's or anyone's) share one blob. Every change that adds, replaces, copies or removes a
-- file moves it by the difference, in the same transaction, after locking the user's row; it starts here as that
-- sum over the files already stored.
ALTER TABLE users ADD COLUMN used_bytes BIGINT NOT NULL DEFAULT 0 CHECK (used_bytes >= 0);

UPDATE users SET used_bytes = (
    SELECT COALESCE(SUM(nodes.size), 0) FROM nodes WHERE nodes.owner_id = users.id AND nodes.kind = 'file');
