package netdisk.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

import netdisk.client.ContentHash;
import netdisk.client.NetdiskClient;
import netdisk.client.TransferListener;
import netdisk.protocol.Entry;
import netdisk.protocol.FileInfo;
import netdisk.protocol.PutDone;
import netdisk.protocol.PutStored;

/** Logged-in client sessions and the transfers tests do again and again. */
final class Clients {

    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private Clients() {
    }

    /** A session on {@code server}, logged in as {@code user} with {@link TestUsers#PASSWORD}. */
    static NetdiskClient login(ServerProcess server, String user) throws IOException {
        return login(server.port(), user, TestUsers.PASSWORD);
    }

    static NetdiskClient login(int port, String user, String password) throws IOException {
        NetdiskClient client = NetdiskClient.connect("127.0.0.1", port, TIMEOUT);
        try {
            client.login(user, password.toCharArray());
            return client;
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** Uploads the local file {@code source} as {@code remote}. */
    static PutDone put(NetdiskClient client, Path source, String remote) throws IOException {
        return put(client, source, remote, TransferListener.NONE);
    }

    static PutDone put(NetdiskClient client, Path source, String remote, TransferListener listener)
            throws IOException {
        try (var in = FileChannel.open(source)) {
            return client.put(in, in.size(), remote, listener);
        }
    }

    /** Uploads {@code content} as {@code remote}, through a file in {@code scratch}. */
    static PutDone put(NetdiskClient client, byte[] content, String remote, Path scratch) throws IOException {
        Path file = Files.createTempFile(scratch, "upload", ".bin");
        try {
            Files.write(file, content);
            return put(client, file, remote);
        } finally {
            Files.delete(file);
        }
    }

    /** Uploads the local file {@code source} as {@code remote}, verified: hashed first, as {@code netdisk put} does. */
    static PutStored putFile(NetdiskClient client, Path source, String remote) throws IOException {
        try (var in = FileChannel.open(source)) {
            long size = in.size();
            return client.putFile(in, size, ContentHash.of(in, size, ContentHash.Progress.NONE), remote,
                    TransferListener.NONE);
        }
    }

    /** Downloads {@code remote} into the local file {@code target} (replaced), verified against its SHA-256. */
    static FileInfo getFile(NetdiskClient client, String remote, Path target) throws IOException {
        try (var out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            return client.getFile(remote, out, TransferListener.NONE);
        }
    }

    /** Downloads {@code remote} into the local file {@code target} (replaced). */
    static Path get(NetdiskClient client, String remote, Path target) throws IOException {
        try (var out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            client.get(remote, out, TransferListener.NONE);
        }
        return target;
    }

    /** Downloads {@code remote} into memory (small files only). */
    static byte[] bytes(NetdiskClient client, String remote) throws IOException {
        var out = new java.io.ByteArrayOutputStream();
        client.get(remote, java.nio.channels.Channels.newChannel(out), TransferListener.NONE);
        return out.toByteArray();
    }

    /** Downloads {@code remote} and returns the SHA-256 of what came, without keeping it. */
    static String sha256(NetdiskClient client, String remote) throws IOException {
        MessageDigest digest = newDigest();
        client.get(remote, new WritableByteChannel() {
            @Override
            public int write(ByteBuffer source) {
                int n = source.remaining();
                digest.update(source);
                return n;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        }, TransferListener.NONE);
        return HexFormat.of().formatHex(digest.digest());
    }

    static String sha256(byte[] content) {
        return HexFormat.of().formatHex(newDigest().digest(content));
    }

    /** Every entry of the user's tree by full path ({@code /docs/a.txt}), directories included, root excluded. */
    static Map<String, Entry> tree(NetdiskClient client) throws IOException {
        Map<String, Entry> tree = new TreeMap<>();
        walk(client, "", tree);
        return tree;
    }

    private static void walk(NetdiskClient client, String directory, Map<String, Entry> tree) throws IOException {
        for (Entry entry : client.list(directory.isEmpty() ? "/" : directory)) {
            String path = directory + "/" + entry.name();
            tree.put(path, entry);
            if (entry.isDirectory()) {
                walk(client, path, tree);
            }
        }
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
