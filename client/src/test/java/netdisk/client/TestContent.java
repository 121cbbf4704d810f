package netdisk.client;

import java.io.IOException;
import java.time.Duration;
import java.util.Random;

/** What the client's transfer tests share: seeded random content, its hash, a client logged in to a fake server. */
final class TestContent {

    private TestContent() {
    }

    /** {@code size} random bytes, the same for the same seed. */
    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static String sha256(byte[] bytes) {
        return ContentHash.hex(ContentHash.newDigest().digest(bytes));
    }

    /** A client connected to {@code server} and logged in as alice (password s3cret). */
    static NetdiskClient loginAsAlice(FakeServer server) throws IOException {
        NetdiskClient client = NetdiskClient.connect("127.0.0.1", server.port(), Duration.ofSeconds(5));
        client.login("alice", "s3cret".toCharArray());
        return client;
    }
}
