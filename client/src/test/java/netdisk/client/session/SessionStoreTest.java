package netdisk.client.session;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class SessionStoreTest {

    @TempDir
    Path config;

    private SessionStore store() {
        return SessionStore.inConfigHome(Map.of("XDG_CONFIG_HOME", config.toString()));
    }

    @Test
    void aSavedSessionLoadsBackWithItsChineseWorkingDirectory() throws Exception {
        var session = new StoredSession("alice", "tok-123", 1_900_000_000_000L, "/文档/报告 = 2025\nb");
        store().save("127.0.0.1", 7477, session);
        assertThat(store().load("127.0.0.1", 7477)).contains(session);
        assertThat(store().load("127.0.0.1", 7478)).isEmpty();
        assertThat(store().load("::1", 7477)).isEmpty();
    }

    @Test
    void theDirectoryIs0700AndTheFile0600EvenWhenTheDirectoryExistedWithLooserPermissions() throws Exception {
        Path directory = config.resolve("netdisk");
        Files.createDirectories(directory);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        store().save("h", 1, new StoredSession("u", "t", 1, "/"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory))).isEqualTo("rwx------");
        Path file = store().file("h", 1);
        assertThat(file.getParent()).isEqualTo(directory);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void savingAgainReplacesTheFileAndLeavesNoTemporaryFiles() throws Exception {
        store().save("h", 1, new StoredSession("u", "old", 1, "/"));
        store().save("h", 1, new StoredSession("v", "new", 2, "/x"));
        assertThat(store().load("h", 1)).contains(new StoredSession("v", "new", 2, "/x"));
        try (var files = Files.list(config.resolve("netdisk"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("session-h-1");
        }
    }

    @Test
    void deleteForgetsTheSessionAndSaysWhetherThereWasOne() throws Exception {
        store().save("h", 1, new StoredSession("u", "t", 1, "/"));
        assertThat(store().delete("h", 1)).isTrue();
        assertThat(store().load("h", 1)).isEmpty();
        assertThat(store().delete("h", 1)).isFalse();
    }

    @Test
    void aFileThatIsNotASessionIsIgnored() throws Exception {
        Files.createDirectories(config.resolve("netdisk"));
        Files.writeString(store().file("h", 1), "user=u\nexpires=soon\n");
        assertThat(store().load("h", 1)).isEmpty();
    }

    @Test
    void theConfigHomeFallsBackToDotConfigInHome() {
        assertThat(SessionStore.inConfigHome(Map.of("HOME", "/home/a")).directory())
                .isEqualTo(Path.of("/home/a/.config/netdisk"));
        assertThat(SessionStore.inConfigHome(Map.of("HOME", "/home/a", "XDG_CONFIG_HOME", "relative")).directory())
                .isEqualTo(Path.of("/home/a/.config/netdisk"));
    }

    @Test
    void hostNamesThatCouldEscapeTheDirectoryAreFlattened() {
        assertThat(store().file("../x", 1).getFileName().toString()).isEqualTo("session-.._x-1");
        assertThat(store().file("::1", 7477).getFileName().toString()).isEqualTo("session-::1-7477");
    }

    @Test
    void theTokenStaysOutOfToString() {
        assertThat(new StoredSession("u", "secret-token", 1, "/").toString()).doesNotContain("secret-token");
    }
}
