package netdisk.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import netdisk.client.TransferListener;
import netdisk.protocol.Entry;
import netdisk.protocol.ErrorCode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import static netdisk.it.Refusals.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Names a client may send that a file system or a log would choke on: {@code .} and {@code ..}, NUL, names over 255
 * bytes are refused with BAD_PATH and a message, and nothing is stored; everything else is a name, stored and returned
 * exactly as sent (no normalisation: NFC and NFD {@code é} are two files), including newlines and quotes, which the
 * audit log escapes so that it still has one line per operation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileNamesTest {

    private static final String USER = "ada";
    private static final Pattern AUDIT_LINE =
            Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z user=\\S+ addr=\\S+ op=\\w+ .*");

    private ServerProcess server;
    private Path data;
    private Path local;

    @BeforeAll
    void start(@TempDir Path data, @TempDir Path local) throws Exception {
        this.data = data;
        this.local = local;
        TestUsers.add(data, USER);
        server = ServerProcess.start(data, "process", "--workers", "2");
    }

    @AfterAll
    void stop() {
        server.close();
    }

    /** The audit lines of operations on /odd and what is in it. */
    private static List<String> aboutOdd(List<String> lines) {
        return lines.stream().filter(l -> l.contains(" path=/odd") || l.contains(" path=\"/odd/")).toList();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void dotNamesNulAndOverlongNamesAreRefusedWithBadPathAndNothingIsStored() throws IOException {
        String chinese256 = "文".repeat(85) + "x"; // 256 bytes in UTF-8
        assertThat(utf8(chinese256)).hasSize(256);
        List<String> hostile = List.of("..", "/..", "../x", "x/../y", ".", "./x", "/a/./b", "a\0b", "\0",
                "x".repeat(256), chinese256, "/ok/" + "y".repeat(300), "/a".repeat(2100));
        try (var client = Clients.login(server, USER)) {
            client.mkdir("/ok", false);
            Clients.put(client, utf8("mine"), "/mine.txt", local);
            var before = Clients.tree(client);
            var blobsBefore = DataDir.blobHashes(data);
            var sink = java.nio.channels.Channels.newChannel(java.io.OutputStream.nullOutputStream());
            Path big = Sha256.randomFile(local.resolve("big.bin"), 2 << 20, 5); // streamed: over 1 MiB
            for (String path : hostile) {
                String shown = path.length() > 40 ? path.substring(0, 40) + "…" : path;
                refused("put " + shown, () -> Clients.put(client, utf8("stored?"), path, local), ErrorCode.BAD_PATH);
                refused("put streamed " + shown, () -> {
                    try (var in = java.nio.channels.FileChannel.open(big)) {
                        client.putStream(in, 2 << 20, path, true, TransferListener.NONE);
                    }
                }, ErrorCode.BAD_PATH);
                refused("mkdir " + shown, () -> client.mkdir(path, true), ErrorCode.BAD_PATH);
                refused("stat " + shown, () -> client.stat(path), ErrorCode.BAD_PATH);
                refused("list " + shown, () -> client.list(path), ErrorCode.BAD_PATH);
                refused("get " + shown, () -> client.get(path, sink, TransferListener.NONE), ErrorCode.BAD_PATH);
                refused("rm " + shown, () -> client.remove(path, true), ErrorCode.BAD_PATH);
                refused("mv to " + shown, () -> client.move("/mine.txt", path), ErrorCode.BAD_PATH);
                refused("cp to " + shown, () -> client.copy("/mine.txt", path), ErrorCode.BAD_PATH);
            }
            client.ping();
            assertThat(Clients.tree(client)).as("nothing stored, moved or made").isEqualTo(before);
        }
        assertThat(DataDir.temporaryFiles(data)).isEmpty();
    }

    @Test
    void aSlashInANameIsJustAPath() throws IOException {
        try (var client = Clients.login(server, USER)) {
            refused("a/b without a", () -> Clients.put(client, utf8("b"), "slash/b", local), ErrorCode.NOT_FOUND);
            client.mkdir("slash", false);
            Clients.put(client, utf8("b"), "slash/b", local);
            assertThat(client.list("/slash")).extracting(Entry::name).containsExactly("b");
            assertThat(client.stat("slash//b/").path()).isEqualTo("/slash/b");
            assertThat(Clients.bytes(client, "//slash/b")).isEqualTo(utf8("b"));
        }
    }

    @Test
    void aNameOf255BytesOfChineseIsAcceptedAndRoundTrips() throws IOException {
        String name = "文".repeat(85);
        assertThat(utf8(name)).hasSize(255);
        try (var client = Clients.login(server, USER)) {
            client.mkdir("/" + name, false);
            Clients.put(client, utf8("长名字"), "/" + name + "/" + name, local);
            assertThat(client.list("/" + name)).extracting(Entry::name).containsExactly(name);
            assertThat(client.stat("/" + name + "/" + name).path()).isEqualTo("/" + name + "/" + name);
            assertThat(Clients.bytes(client, "/" + name + "/" + name)).isEqualTo(utf8("长名字"));
        }
    }

    @Test
    void nfcAndNfdAreTwoDistinctNamesEachReturnedExactly() throws IOException {
        String nfc = "caf\u00e9.txt";
        String nfd = "cafe\u0301.txt";
        try (var client = Clients.login(server, USER)) {
            client.mkdir("/unicode", false);
            Clients.put(client, utf8("composed"), "/unicode/" + nfc, local);
            Clients.put(client, utf8("decomposed"), "/unicode/" + nfd, local);
            List<String> names = client.list("/unicode").stream().map(Entry::name).toList();
            assertThat(names).hasSize(2);
            assertThat(names.stream().map(n -> n.codePoints().boxed().toList()))
                    .containsExactlyInAnyOrder(nfc.codePoints().boxed().toList(), nfd.codePoints().boxed().toList());
            assertThat(Clients.bytes(client, "/unicode/" + nfc)).isEqualTo(utf8("composed"));
            assertThat(Clients.bytes(client, "/unicode/" + nfd)).isEqualTo(utf8("decomposed"));
            assertThat(client.stat("/unicode/" + nfd).entry().name()).isEqualTo(nfd);
            assertThat(client.stat("/unicode/" + nfc).entry().name()).isEqualTo(nfc);
        }
    }

    @Test
    void namesWithNewlinesAndQuotesAreStoredExactlyAndTheAuditLogKeepsOneLinePerOperation() throws Exception {
        List<String> names = List.of("line\nbreak.txt", "carriage\rreturn.txt", "quote\"d.txt", "it's.txt",
                "back\\slash.txt", "tab\there.txt", " spaces .txt", "\u2028separator.txt", "\u202Eright-to-left.txt",
                "forged\n2026-01-01T00:00:00.000Z user=root addr=127.0.0.1:1 op=rm path=x result=ok");
        try (var client = Clients.login(server, USER)) {
            client.mkdir("/odd", false);
            await().atMost(Duration.ofSeconds(10)).until(() -> DataDir.auditLines(data).stream()
                    .anyMatch(l -> l.contains("op=mkdir path=/odd result=ok")));
            int before = aboutOdd(DataDir.auditLines(data)).size();
            int operations = 0;
            for (String name : names) {
                String path = "/odd/" + name;
                Clients.put(client, utf8("content of " + name), path, local);
                assertThat(client.stat(path).entry().name()).isEqualTo(name);
                assertThat(Clients.bytes(client, path)).isEqualTo(utf8("content of " + name));
                assertThat(client.copy(path, path + " copy").path()).isEqualTo(path + " copy");
                assertThat(client.move(path + " copy", path + " moved").path()).isEqualTo(path + " moved");
                assertThat(client.remove(path + " moved", false)).isOne();
                operations += 6;
            }
            assertThat(client.list("/odd")).extracting(Entry::name).containsExactlyInAnyOrderElementsOf(names);
            operations++;
            int expected = before + operations;
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> aboutOdd(DataDir.auditLines(data)).size() >= expected);
            List<String> lines = DataDir.auditLines(data);
            assertThat(aboutOdd(lines)).as("one line per operation").hasSize(expected);
            assertThat(lines).as("no line torn or forged").allSatisfy(l -> assertThat(l).matches(AUDIT_LINE));
            assertThat(lines).noneMatch(l -> l.startsWith("2026-01-01T00:00:00.000Z"));
            assertThat(String.join("\n", aboutOdd(lines)))
                    .contains("op=put path=\"/odd/line\\nbreak.txt\" result=ok")
                    .contains("op=put path=\"/odd/quote\\\"d.txt\" result=ok");
        }
    }
}
