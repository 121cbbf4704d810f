package netdisk.client;

import java.util.Objects;

import netdisk.protocol.PutStored;

/**
 * What {@link NetdiskClient#putFile(java.nio.channels.FileChannel, long, String, String, boolean, TransferListener)}
 * stored: the server's answer, and how many of the first bytes were not sent because the server kept them from an
 * earlier upload of the same file that broke off (protocol 1.3's resume).
 *
 * @param stored what the server stored and verified
 * @param resumedFrom the first byte sent: 0 for a whole upload (and an instant one), more when it resumed
 */
public record PutResult(PutStored stored, long resumedFrom) {

    public PutResult {
        Objects.requireNonNull(stored, "stored");
        if (resumedFrom < 0 || resumedFrom > stored.size()) {
            throw new IllegalArgumentException("resumed from byte " + resumedFrom + " of " + stored.size());
        }
    }

    /** Whether the content was already stored, so none of it was sent. */
    public boolean instant() {
        return stored.instant();
    }

    /** Whether the upload went on from bytes the server kept. */
    public boolean resumed() {
        return resumedFrom > 0;
    }
}
