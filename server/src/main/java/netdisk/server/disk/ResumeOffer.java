package netdisk.server.disk;

import java.io.IOException;

import netdisk.protocol.PutResume;
import netdisk.protocol.ResumeFrom;

/**
 * The client's part of resuming an upload, as {@link Disk#beginResumableUpload} needs it: told how many bytes the
 * server holds and their SHA-256 (a {@link PutResume} on the wire), the client answers whether it has the same ones.
 * The disk checks the answer against what it holds, and resumes only if both offset and hash agree.
 */
@FunctionalInterface
public interface ResumeOffer {

    /**
     * Offers to resume after the first {@code offset} bytes, whose SHA-256 is {@code prefixSha256}; returns the
     * client's answer, whose offset is {@code offset} or 0.
     *
     * @throws IOException the client did not answer as the protocol says (the session must end; what the server
     *     holds stays as it was)
     */
    ResumeFrom offer(long offset, String prefixSha256) throws IOException;
}
