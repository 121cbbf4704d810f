package netdisk.it;

import static netdisk.it.Refusals.refused;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

import netdisk.client.NetdiskClient;
import netdisk.client.ServerRefusedException;
import netdisk.client.TransferConnection;
import netdisk.client.TransferListener;
import netdisk.protocol.Entry;
import netdisk.protocol.ErrorCode;
import netdisk.protocol.ErrorReply;
import netdisk.protocol.FileInfo;
import netdisk.protocol.Frame;
import netdisk.protocol.FrameEncoder;
import netdisk.protocol.FrameReader;
import netdisk.protocol.GetFile;
import netdisk.protocol.Hello;
import netdisk.protocol.Login;
import netdisk.protocol.LoginOk;
import netdisk.protocol.PutFile;
import netdisk.protocol.PutInline;
import netdisk.protocol.PutReady;
import netdisk.protocol.PutStored;
import netdisk.protocol.ProtocolVersion;
import netdisk.protocol.Ticket;
import netdisk.protocol.Welcome;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transfer connections (protocol 1.3), against a real server with worker processes: a ticket the session issues logs
 * other connections in on any worker, for transfers only and only while it is valid; a transfer that started is never
 * cut by its ticket expiring; the session browses while a transfer runs on its own connection; small files go
 * pipelined in their frames, each answered in order.
 */
class TransferConnectionsTest {

    @TempDir
    Path data;

    @TempDir
    Path local;

    @Test
    void aTicketLogsConnectionsInOnEveryWorkerForTransfersOnly() throws Exception {
        TestUsers.add(data, "alice");
        try (var server = ServerProcess.start(data, "process", "--workers", "2");
             var session = Clients.login(server, "alice")) {
            Ticket ticket = session.ticket();
            Set<Long> workers = new HashSet<>();
            for (int i = 0; i < 12 && workers.size() < 2; i++) {
                try (var transfer = NetdiskClient.connect("127.0.0.1", server.port(), Clients.TIMEOUT)) {
                    LoginOk ok = transfer.loginWithTicket("alice", ticket.ticket());
                    assertThat(ok.user()).isEqualTo("alice");
                    assertThat(ok.token()).as("a ticket login gets no long-lived token").isEmpty();
                    workers.add(transfer.welcome().workerPid());
                    String path = "/f" + i;
                    putInline(transfer, path, ("file " + i).getBytes(StandardCharsets.UTF_8));
                    refused("ls on a transfer connection", () -> transfer.list("/"), ErrorCode.UNSUPPORTED);
                    refused("rm on a transfer connection", () -> transfer.remove(path, false),
                            ErrorCode.UNSUPPORTED);
                }
            }
            assertThat(workers).as("tickets checked by both workers").hasSize(2);
            try (var transfer = NetdiskClient.connect("127.0.0.1", server.port(), Clients.TIMEOUT)) {
                refused("another user's name with alice's ticket",
                        () -> transfer.loginWithTicket("bob", ticket.ticket()), ErrorCode.LOGIN_FAILED);
                refused("a forged ticket", () -> transfer.loginWithTicket("alice", ticket.ticket() + "x"),
                        ErrorCode.LOGIN_FAILED);
            }
        }
    }

    /** A client that knows the server may send its requests right behind its Hello: one round trip for all. */
    @ParameterizedTest(name = "{0} mode")
    @ValueSource(strings = {"process", "thread"})
    void requestsRightBehindTheHelloAreAnsweredInTurn(String mode) throws Exception {
        TestUsers.add(data, "alice");
        byte[] content = "behind the hello".getBytes(StandardCharsets.UTF_8);
        try (var server = ServerProcess.start(data, mode, "--workers", "2");
             var session = Clients.login(server, "alice")) {
            putInline(session, "/early.txt", content);
            Ticket ticket = session.ticket();
            for (int i = 0; i < 6; i++) { // both workers, each greeting early or late as the bytes arrive
                try (var transfer = NetdiskClient.connectWithTicket("127.0.0.1", server.port(), Clients.TIMEOUT,
                        "alice", ticket.ticket())) {
                    var out = new java.io.ByteArrayOutputStream();
                    transfer.getFile("/early.txt", java.nio.channels.Channels.newChannel(out), TransferListener.NONE);
                    assertThat(out.toByteArray()).isEqualTo(content);
                }
            }
            refused("a forged ticket behind the Hello", () -> NetdiskClient.connectWithTicket("127.0.0.1",
                    server.port(), Clients.TIMEOUT, "alice", ticket.ticket() + "x"), ErrorCode.LOGIN_FAILED);

            try (var channel = java.nio.channels.SocketChannel.open(
                    new java.net.InetSocketAddress("127.0.0.1", server.port()))) {
                ByteBuffer all = ByteBuffer.allocate(4096);
                all.put(FrameEncoder.encode(new Frame(0, new Hello(ProtocolVersion.MAJOR, ProtocolVersion.MINOR,
                        "test"))));
                all.put(FrameEncoder.encode(new Frame(1, new Login("alice", Login.TICKET, ticket.ticket()))));
                all.put(FrameEncoder.encode(new Frame(2, new GetFile("/early.txt", 0))));
                all.flip();
                while (all.hasRemaining()) {
                    channel.write(all); // the three frames in one write
                }
                var reader = new FrameReader(channel);
                assertThat(reader.read().message()).isInstanceOf(Welcome.class);
                assertThat(reader.read().message()).isInstanceOf(LoginOk.class);
                Frame info = reader.read();
                assertThat(info.requestId()).isEqualTo(2);
                assertThat(info.message()).isInstanceOfSatisfying(FileInfo.class,
                        f -> assertThat(f.size()).isEqualTo(content.length));
                ByteBuffer received = ByteBuffer.allocate(content.length);
                reader.readBuffered(received);
                while (received.hasRemaining()) {
                    assertThat(channel.read(received)).isNotNegative();
                }
                assertThat(received.array()).isEqualTo(content);
            }
        }
    }

    @Test
    void anExpiredTicketStopsNewRequestsButNeverOneThatRuns() throws Exception {
        TestUsers.add(data, "alice");
        int size = 4 << 20;
        Path content = Sha256.randomFile(local.resolve("slow.bin"), size, 51);
        String sha = Sha256.of(content);
        try (var server = ServerProcess.start(data, "process", "--workers", "2", "--ticket-lifetime", "1s");
             var session = Clients.login(server, "alice");
             var raw = RawClient.connect(server)) {
            raw.send(new Login("alice", Login.TICKET, session.ticket().ticket()));
            assertThat(raw.answer()).isInstanceOf(LoginOk.class);
            raw.send(new PutFile("/slow.bin", size, sha));
            assertThat(raw.answer()).isEqualTo(new PutReady(0));
            try (FileChannel in = FileChannel.open(content)) {
                for (long position = 0; position < size; ) { // 2.5 s of content, past the ticket's second
                    position += in.transferTo(position, Math.min(size / 10, size - position), raw.channel());
                    Thread.sleep(250);
                }
            }
            assertThat(raw.answer()).isEqualTo(new PutStored(size, sha, false));

            raw.send(new PutInline("/late.txt", sha256("late"), "late".getBytes(StandardCharsets.UTF_8)));
            assertThat(raw.answer()).isInstanceOfSatisfying(ErrorReply.class,
                    e -> assertThat(e.errorCode()).contains(ErrorCode.AUTH_REQUIRED));
            raw.send(new Login("alice", Login.TICKET, session.ticket().ticket()));
            assertThat(raw.answer()).as("logged in again with a new ticket").isInstanceOf(LoginOk.class);
            raw.send(new PutInline("/late.txt", sha256("late"), "late".getBytes(StandardCharsets.UTF_8)));
            assertThat(raw.answer()).isInstanceOf(PutStored.class);
            assertThat(Clients.sha256(session, "/slow.bin")).isEqualTo(sha);
        }
    }

    @Test
    void aTransferConnectionRenewsItsTicketAndOutlivesIt() throws Exception {
        TestUsers.add(data, "alice");
        try (var server = ServerProcess.start(data, "process", "--workers", "2", "--ticket-lifetime", "1s");
             var session = Clients.login(server, "alice");
             var transfer = TransferConnection.open(new TransferConnection.Endpoint("127.0.0.1", server.port(),
                     Clients.TIMEOUT), "alice", session, session::ticket)) {
            NetdiskClient first = transfer.client();
            for (int i = 0; i < 8; i++) { // 2.4 s: renewed on the way (after half of each second)
                putInline(transfer.client(), "/r" + i, new byte[] {(byte) i});
                Thread.sleep(300);
            }
            assertThat(transfer.client()).as("the same connection all along").isSameAs(first);
            Thread.sleep(1500); // expired: the next request needs a new ticket from the session
            putInline(transfer.client(), "/after", new byte[] {42});
            assertThat(session.list("/")).hasSize(9);
        }
    }

    @Test
    void theSessionBrowsesWhileATransferRunsOnItsOwnConnection() throws Exception {
        TestUsers.add(data, "alice");
        int size = 8 << 20;
        Path content = Sha256.randomFile(local.resolve("big.bin"), size, 52);
        String sha = Sha256.of(content);
        try (var server = ServerProcess.start(data, "process", "--workers", "2");
             var session = Clients.login(server, "alice");
             var raw = RawClient.connect(server)) {
            session.mkdir("/docs", false);
            raw.send(new Login("alice", Login.TICKET, session.ticket().ticket()));
            assertThat(raw.answer()).isInstanceOf(LoginOk.class);
            raw.send(new PutFile("/big.bin", size, sha));
            assertThat(raw.answer()).isEqualTo(new PutReady(0));
            try (FileChannel in = FileChannel.open(content)) {
                long half = size / 2;
                for (long position = 0; position < half; ) {
                    position += in.transferTo(position, half - position, raw.channel());
                }
                // the upload is half-way, waiting for its other half: the session answers meanwhile
                assertThat(session.list("/")).extracting(Entry::name).containsExactly("docs");
                assertThat(session.stat("/docs").entry().isDirectory()).isTrue();
                session.mkdir("/docs/new", false);
                refused("the file is not there before its last byte", () -> session.stat("/big.bin"),
                        ErrorCode.NOT_FOUND);
                for (long position = half; position < size; ) {
                    position += in.transferTo(position, size - position, raw.channel());
                }
            }
            assertThat(raw.answer()).isEqualTo(new PutStored(size, sha, false));
            assertThat(Clients.sha256(session, "/big.bin")).isEqualTo(sha);
        }
    }

    @Test
    void pipelinedSmallFilesAreAnsweredInOrderAndARefusalStopsOnlyItsFile() throws Exception {
        TestUsers.add(data, "alice");
        TestUsers.add(data, "tight", TestUsers.PASSWORD, OptionalLong.of(1000));
        try (var server = ServerProcess.start(data, "process", "--workers", "2");
             var session = Clients.login(server, "alice");
             var transfer = TransferConnection.open(new TransferConnection.Endpoint("127.0.0.1", server.port(),
                     Clients.TIMEOUT), "alice", session, session::ticket)) {
            session.mkdir("/many", false);
            List<PutInline> puts = new ArrayList<>();
            Map<String, byte[]> expected = new TreeMap<>();
            for (int i = 0; i < 300; i++) {
                byte[] content = ("content of file " + i).repeat(i % 7 + 1).getBytes(StandardCharsets.UTF_8);
                String path = "/many/" + i + ".txt";
                boolean broken = i == 100;
                puts.add(new PutInline(path, broken ? sha256("something else") : sha256(content), content));
                if (!broken) {
                    expected.put(path, content);
                }
            }
            puts.add(new PutInline("/many/dup.txt", sha256(expected.get("/many/7.txt")), expected.get("/many/7.txt")));
            puts.add(new PutInline("/no/such/dir/x", sha256(new byte[0]), new byte[0]));
            List<String> outcomes = new ArrayList<>();
            transfer.client().putInline(puts.iterator(), 32, new NetdiskClient.InlineAnswers() {
                @Override
                public void stored(int index, PutStored stored) {
                    outcomes.add(index + (stored.instant() ? " instant" : " stored"));
                }

                @Override
                public void refused(int index, ServerRefusedException refusal) {
                    outcomes.add(index + " " + refusal.code().orElseThrow());
                }
            });
            assertThat(outcomes).hasSize(302);
            for (int i = 0; i < 302; i++) {
                assertThat(outcomes.get(i)).startsWith(i + " ");
            }
            assertThat(outcomes.get(100)).isEqualTo("100 TRANSFER_FAILED");
            assertThat(outcomes.get(300)).isEqualTo("300 instant");
            assertThat(outcomes.get(301)).isEqualTo("301 NOT_FOUND");
            assertThat(outcomes.get(7)).isEqualTo("7 stored");

            Map<String, byte[]> received = new TreeMap<>();
            List<String> paths = new ArrayList<>(expected.keySet());
            paths.add(99, "/many/missing.txt");
            List<String> failures = new ArrayList<>();
            transfer.client().getFiles(paths.iterator(), 16, new NetdiskClient.DownloadSinks() {
                private BytesChannel sink;

                @Override
                public WritableByteChannel open(int index, FileInfo info) {
                    sink = new BytesChannel();
                    return sink;
                }

                @Override
                public void completed(int index, FileInfo info) {
                    received.put(paths.get(index), sink.bytes());
                }

                @Override
                public void failed(int index, IOException failure) {
                    failures.add(paths.get(index) + " " + ((ServerRefusedException) failure).code().orElseThrow());
                }
            }, TransferListener.NONE);
            assertThat(failures).containsExactly("/many/missing.txt NOT_FOUND");
            assertThat(received.keySet()).isEqualTo(expected.keySet());
            expected.forEach((path, bytes) -> assertThat(received.get(path)).as(path).isEqualTo(bytes));
        }
        try (var server = ServerProcess.start(data, "process", "--workers", "1");
             var tight = Clients.login(server, "tight");
             var transfer = TransferConnection.open(new TransferConnection.Endpoint("127.0.0.1", server.port(),
                     Clients.TIMEOUT), "tight", tight, tight::ticket)) {
            refused("past the quota", () -> putInline(transfer.client(), "/big", new byte[1001]),
                    ErrorCode.QUOTA_EXCEEDED);
            putInline(transfer.client(), "/fits", new byte[1000]);
            assertThat(tight.usage().used()).isEqualTo(1000);
        }
    }

    private static PutStored putInline(NetdiskClient client, String path, byte[] content) throws IOException {
        List<PutStored> stored = new ArrayList<>();
        client.putInline(List.of(new PutInline(path, sha256(content), content)).iterator(), 1,
                new NetdiskClient.InlineAnswers() {
                    @Override
                    public void stored(int index, PutStored answer) {
                        stored.add(answer);
                    }

                    @Override
                    public void refused(int index, ServerRefusedException refusal) throws ServerRefusedException {
                        throw refusal;
                    }
                });
        return stored.getFirst();
    }

    private static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256(byte[] content) {
        return netdisk.protocol.Sha256.hex(netdisk.protocol.Sha256.newDigest().digest(content));
    }

    /** Collects what is written to it. */
    private static final class BytesChannel implements WritableByteChannel {
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

        @Override
        public int write(ByteBuffer source) {
            int n = source.remaining();
            byte[] bytes = new byte[n];
            source.get(bytes);
            out.writeBytes(bytes);
            return n;
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
