package netdisk.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import netdisk.protocol.Frame;
import netdisk.protocol.FrameEncoder;
import netdisk.protocol.FrameWriter;
import netdisk.protocol.GetRequest;
import netdisk.protocol.Hello;
import netdisk.protocol.Login;
import netdisk.protocol.Ping;
import netdisk.protocol.ProtocolVersion;
import netdisk.protocol.PutFile;
import netdisk.protocol.PutHash;
import netdisk.protocol.PutRequest;
import netdisk.protocol.PutStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random and mutated bytes thrown at live sessions of one worker, half of them logged in (so that mutated gets and
 * puts reach a user's tree): each such session gets error frames or is closed,
 * never hangs the worker; the worker never dies and a well-behaved session on it carries on. Seeded: a failure names
 * its seed ({@code -Dnetdisk.test.seed=...} replays it).
 */
class SessionFuzzTest {

    private static final int CONNECTIONS = 300;
    private static final String USER = "fuzz";

    @TempDir
    Path data;

    @Test
    void garbageAfterTheHandshakeNeverHurtsTheWorkerOrItsOtherSessions() throws Exception {
        long seed = Long.getLong("netdisk.test.seed", System.nanoTime());
        System.out.println("SessionFuzzTest seed " + seed + " (replay with -Dnetdisk.test.seed=" + seed + ")");
        TestUsers.add(data, USER);
        try (var server = ServerProcess.start(data, "process", "--workers", "1", "--handshake-timeout", "2");
             var bystander = Clients.login(server, USER);
             var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            var random = new SplittableRandom(seed);
            var results = new java.util.ArrayList<Future<String>>();
            for (int i = 0; i < CONNECTIONS; i++) {
                byte[] garbage = garbage(random.split());
                boolean greet = random.nextInt(4) != 0;
                boolean login = greet && random.nextBoolean(); // so that gets and puts reach the user's tree
                results.add(executor.submit(() -> throwAt(server.port(), garbage, greet, login)));
            }
            for (int i = 0; i < results.size(); i++) {
                String outcome = results.get(i).get(30, TimeUnit.SECONDS);
                assertThat(outcome).as("connection %d of seed %d", i, seed).isIn("closed", "answered");
            }
            bystander.ping();
            bystander.list("/");
            assertThat(server.status().workers().getFirst().restarts()).as("seed %d", seed).isZero();
        }
    }

    /**
     * Sends {@code garbage} (after a Hello if {@code greet}, and a Login if {@code login}), half-closes, and reads
     * until the server closes.
     */
    private static String throwAt(int port, byte[] garbage, boolean greet, boolean login) throws IOException {
        try (SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            if (greet) {
                new FrameWriter(channel).write(new Frame(1, new Hello(ProtocolVersion.MAJOR, ProtocolVersion.MINOR,
                        "fuzz")));
            }
            if (login) {
                new FrameWriter(channel).write(new Frame(2, new Login(USER, Login.PASSWORD, TestUsers.PASSWORD)));
            }
            try {
                channel.write(ByteBuffer.wrap(garbage));
                channel.shutdownOutput();
            } catch (IOException e) {
                return "closed"; // the server already refused and closed
            }
            // every answer must be a frame or a raw content chunk of a download; read until the server closes
            ByteBuffer sink = ByteBuffer.allocate(1 << 16);
            var socket = channel.socket();
            socket.setSoTimeout(20_000);
            var in = socket.getInputStream();
            int total = 0;
            try {
                for (int n; (n = in.read(sink.array())) > 0; ) {
                    total += n;
                }
            } catch (java.net.SocketTimeoutException e) {
                return "hung: no close within 20 s";
            } catch (IOException e) {
                return "closed";
            }
            return total > 0 ? "answered" : "closed";
        }
    }

    /** Up to a few KiB of: valid frames, valid frames with flipped bytes, truncated frames, noise. */
    private static byte[] garbage(SplittableRandom random) {
        var out = new java.io.ByteArrayOutputStream();
        int pieces = 1 + random.nextInt(6);
        for (int i = 0; i < pieces; i++) {
            byte[] piece = switch (random.nextInt(8)) {
                case 0 -> frame(new Frame(random.nextInt(), new Ping(random.nextLong())));
                case 1 -> frame(new Frame(random.nextInt(), new GetRequest(name(random), random.nextLong(0,
                        Long.MAX_VALUE))));
                case 2 -> frame(new Frame(random.nextInt(), new PutRequest(name(random), random.nextInt(0, 100))));
                case 5 -> frame(new Frame(random.nextInt(), new PutStream(name(random), random.nextLong(0, 4L << 20))));
                case 6 -> frame(new Frame(random.nextInt(), new PutHash(random.nextBoolean() ? hex(random) : name(random))));
                case 7 -> frame(new Frame(random.nextInt(), new PutFile(name(random), random.nextInt(0, 100),
                        hex(random))));
                case 3 -> {
                    byte[] noise = new byte[random.nextInt(1, 64)];
                    random.nextBytes(noise);
                    yield noise;
                }
                default -> {
                    byte[] frame = frame(new Frame(random.nextInt(), new Ping(random.nextLong())));
                    frame[random.nextInt(frame.length)] ^= (byte) (1 + random.nextInt(255));
                    yield random.nextBoolean() ? frame : java.util.Arrays.copyOf(frame, random.nextInt(frame.length));
                }
            };
            out.writeBytes(piece);
        }
        return out.toByteArray();
    }

    /** 64 hex digits: a SHA-256 as the protocol writes it, of nothing in particular. */
    private static String hex(SplittableRandom random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }

    private static String name(SplittableRandom random) {
        String[] names = {"", "..", "../etc/passwd", "/abs", "a\0b", "x", "中文", "run/control.sock", "a/b/c"};
        return names[random.nextInt(names.length)];
    }

    private static byte[] frame(Frame frame) {
        ByteBuffer encoded = FrameEncoder.encode(frame);
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        return bytes;
    }
}
