package netdisk.client.cli;

import java.io.IOException;

import netdisk.client.NetdiskClient;
import netdisk.client.ServerRefusedException;
import netdisk.protocol.ErrorCode;

/** Small questions about the remote tree that several commands ask. */
final class RemoteKinds {

    private RemoteKinds() {
    }

    /** Whether {@code path} is an existing directory; false when nothing is there. */
    static boolean isDirectory(NetdiskClient client, String path) throws IOException {
        try {
            return client.stat(path).entry().isDirectory();
        } catch (ServerRefusedException e) {
            if (e.code().filter(code -> code == ErrorCode.NOT_FOUND).isPresent()) {
                return false;
            }
            throw e;
        }
    }
}
