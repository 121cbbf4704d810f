package netdisk.client.cli;

import java.io.IOException;

import netdisk.client.RemotePath;

/**
 * Where {@code mv} and {@code cp} put an entry. The server already moves into {@code DST} when it is an existing
 * directory; a {@code DST} typed with a trailing {@code /} is said to be a directory, so the entry goes inside it
 * under its own name, and a missing directory is an error rather than a rename.
 */
final class Placement {

    private Placement() {
    }

    static String target(Remote remote, String source, String target) throws IOException {
        String resolved = remote.resolve(target);
        if (target.endsWith("/") && !resolved.equals(RemotePath.ROOT)) {
            return RemotePath.child(resolved, RemotePath.name(source));
        }
        return resolved;
    }
}
