-- Blobs found by size (netdisk.server.storage.MetadataStore#hasBlobOfSize): a streamed upload (PutStream, protocol
-- 1.4) is taken without its SHA-256 only when no stored blob has its size, since only then can it not be instant.
-- Same SQL dialect rules as V1 to V4.
CREATE INDEX blobs_size ON blobs (size);
-- (No change of table: an unfinished_uploads row of a streamed upload has an empty sha256, since its SHA-256 comes
-- only after its content; netdisk.server.storage.UnfinishedUploads.Key.streamed.)
