/**
 * Storage: users and their trees in a SQL database ({@link netdisk.server.storage.MetadataStore}), file contents in
 * a content-addressed blob store ({@link netdisk.server.storage.BlobStore}).
 *
 * <p>Crash consistency comes from one ordering rule and one sweep:
 * <ol>
 *   <li>an upload is written to a temporary blob file, forced, hash-checked and renamed into place (and the
 *       directory forced) <em>before</em> the metadata transaction that adds the file refers to it;</li>
 *   <li>a blob file is deleted only <em>after</em> the metadata transaction that dropped its last reference has
 *       committed ({@link netdisk.server.storage.Change#orphanedBlobs()});</li>
 *   <li>at start-up, {@link netdisk.server.storage.StartupSweep} deletes temporary files and blobs nothing refers
 *       to.</li>
 * </ol>
 * So after {@code kill -9} at any moment and a restart, no file points at a missing blob, no half-written file is
 * visible, and no temporary file is left.
 *
 * <p>Client paths never become operating-system paths: names ({@link netdisk.server.storage.Name}) are resolved in
 * the metadata tree only, and blob files are named by hex digests.
 */
package netdisk.server.storage;
