package netdisk.server.pool;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerClassArchiveTest {

    @TempDir
    Path dir;

    @TempDir
    Path jars;

    private List<String> command;

    @BeforeEach
    void command() throws Exception {
        Path a = Files.write(jars.resolve("a.jar"), new byte[] {1, 2, 3});
        Path b = Files.write(jars.resolve("b.jar"), new byte[] {4});
        command = List.of("/jdk/bin/java", "-XX:+UseSerialGC", "-Djdk.virtualThreadScheduler.parallelism=1", "-cp",
                a + ":" + b, "netdisk.server.worker.WorkerMain");
    }

    /** Archives pass their check here; the check of real archives by a real JVM is tested on its own. */
    private static final WorkerClassArchive.Check SOUND = archive -> CompletableFuture.completedFuture(Optional.empty());

    private WorkerClassArchive archive() {
        return WorkerClassArchive.in(dir, command, SOUND).orElseThrow();
    }

    private static Path recordedFile(WorkerClassArchive.Use use) {
        String option = use.jvmOptions().stream().filter(o -> o.startsWith("-XX:ArchiveClassesAtExit="))
                .findFirst().orElseThrow();
        return Path.of(option.substring(option.indexOf('=') + 1));
    }

    @Test
    void theFirstWorkerRecordsAndOnlyACleanExitPutsTheArchiveInPlace() throws Exception {
        WorkerClassArchive archive = archive();
        WorkerClassArchive.Use first = archive.next();
        assertThat(first.jvmOptions()).contains(WorkerClassArchive.QUIET);
        Path recorded = recordedFile(first);
        assertThat(recorded.getParent()).isEqualTo(dir);
        assertThat(recorded.getFileName().toString()).startsWith(archive.archive().getFileName() + ".")
                .endsWith(".part");
        assertThat(archive.next().jvmOptions()).as("one recording at a time").isEmpty();

        Files.write(recorded, new byte[] {42, 43}); // what the JVM writes as it exits
        first.exited().accept(0);

        assertThat(recorded).doesNotExist();
        assertThat(archive.archive()).hasBinaryContent(new byte[] {42, 43});
        assertThat(archive.next().jvmOptions()).containsExactly(WorkerClassArchive.QUIET,
                "-XX:SharedArchiveFile=" + archive.archive());
    }

    @Test
    void theDirectoryIsMadeForTheServersUserAlone() throws Exception {
        Path nested = dir.resolve("data").resolve("cache");
        WorkerClassArchive archive = WorkerClassArchive.in(nested, command, SOUND).orElseThrow();
        archive.next();
        assertThat(Files.getPosixFilePermissions(nested)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void aDirectoryThatCannotBeMadeCostsTheArchiveOnly() throws Exception {
        Path file = Files.write(dir.resolve("a-file"), new byte[] {0});
        WorkerClassArchive archive = WorkerClassArchive.in(file.resolve("cache"), command, SOUND).orElseThrow();
        assertThat(archive.next().jvmOptions()).as("workers start as without an archive").isEmpty();
        assertThat(archive.next().jvmOptions()).isEmpty();
        assertThat(file).hasBinaryContent(new byte[] {0});
    }

    @Test
    void aWorkerThatDidNotExitCleanlyLeavesNoArchiveAndTheNextOneRecords() throws Exception {
        WorkerClassArchive archive = archive();
        WorkerClassArchive.Use killed = archive.next();
        Path partial = recordedFile(killed);
        Files.write(partial, new byte[] {1}); // cut off while it wrote
        killed.exited().accept(137);

        assertThat(partial).doesNotExist();
        assertThat(archive.archive()).doesNotExist();

        WorkerClassArchive.Use silent = archive.next();
        Path another = recordedFile(silent);
        assertThat(another).isNotEqualTo(partial);
        silent.exited().accept(0); // exited cleanly, but the JVM wrote nothing
        assertThat(archive.archive()).doesNotExist();
        assertThat(recordedFile(archive.next())).as("free to record again").isNotNull();
    }

    @Test
    void aDamagedArchiveIsDeletedBeforeAnyWorkerGetsItAndTheNextWorkerRecordsANewOne() throws Exception {
        Path existing = dir.resolve(archive().archive().getFileName());
        Files.write(existing, new byte[] {9, 9});
        List<Path> checked = new ArrayList<>();
        WorkerClassArchive archive = WorkerClassArchive.in(dir, command, file -> {
            checked.add(file);
            return CompletableFuture.completedFuture(Optional.of("invalid archive"));
        }).orElseThrow();
        assertThat(checked).as("the check starts with the server").containsExactly(existing);

        WorkerClassArchive.Use use = archive.next();
        assertThat(existing).doesNotExist();
        assertThat(recordedFile(use)).as("records a new one").isNotNull();
        assertThat(use.jvmOptions()).noneMatch(o -> o.startsWith("-XX:SharedArchiveFile"));
    }

    @Test
    void anArchiveIsCheckedOnceAndAgainWhenTheFileChanges() throws Exception {
        Path file = dir.resolve(archive().archive().getFileName());
        Files.write(file, new byte[] {1});
        AtomicInteger checks = new AtomicInteger();
        WorkerClassArchive archive = WorkerClassArchive.in(dir, command, f -> {
            checks.incrementAndGet();
            return CompletableFuture.completedFuture(Optional.empty());
        }).orElseThrow();
        for (int i = 0; i < 3; i++) {
            assertThat(archive.next().jvmOptions()).contains("-XX:SharedArchiveFile=" + file);
        }
        assertThat(checks).hasValue(1);

        Files.write(file, new byte[] {1, 2}); // another server's recording renamed into place
        assertThat(archive.next().jvmOptions()).contains("-XX:SharedArchiveFile=" + file);
        assertThat(checks).hasValue(2);
    }

    @Test
    void theJvmCheckPassesARealArchiveAndRefusesItDamagedOrCut() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String jar = Path.of(Assertions.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        List<String> worker = List.of(java, "-XX:+UseSerialGC", "-cp", jar, "org.example.Main");
        Path good = dir.resolve("good.jsa");
        Process recording = new ProcessBuilder(java, WorkerClassArchive.QUIET, "-XX:ArchiveClassesAtExit=" + good,
                "-XX:+UseSerialGC", "-cp", jar, "-version").redirectErrorStream(true).start();
        recording.getInputStream().transferTo(OutputStream.nullOutputStream());
        assertThat(recording.waitFor()).isZero();
        WorkerClassArchive.Check check = WorkerClassArchive.jvmCheck(worker);
        assertThat(check.start(good).get(60, TimeUnit.SECONDS)).isEmpty();

        byte[] bytes = Files.readAllBytes(good);
        byte[] header = bytes.clone();
        header[100] ^= 0x5a; // as it was, this byte crashed every JVM that mapped the archive
        Path damaged = Files.write(dir.resolve("damaged.jsa"), header);
        assertThat(check.start(damaged).get(60, TimeUnit.SECONDS)).hasValueSatisfying(problem -> assertThat(problem)
                .startsWith("java -version with it exited with code 1: ").contains("Unable to use shared archive"));

        byte[] content = bytes.clone();
        content[content.length - 4096] ^= 0x5a;
        Path changed = Files.write(dir.resolve("changed.jsa"), content);
        assertThat(check.start(changed).get(60, TimeUnit.SECONDS)).as("a byte of classes: the checksum").isPresent();

        Path cut = Files.write(dir.resolve("cut.jsa"), Arrays.copyOf(bytes, bytes.length / 2));
        assertThat(check.start(cut).get(60, TimeUnit.SECONDS)).isPresent();
    }

    @Test
    void theNameChangesWithTheJarsAndTheOptionsButNotWithSystemProperties() throws Exception {
        String key = WorkerClassArchive.key(command);
        assertThat(key).matches("[0-9a-f]{16}").isEqualTo(WorkerClassArchive.key(command));

        List<String> otherProperty = new ArrayList<>(command);
        otherProperty.set(2, "-Djdk.virtualThreadScheduler.parallelism=4");
        assertThat(WorkerClassArchive.key(otherProperty)).as("another carrier count").isEqualTo(key);

        List<String> otherOption = new ArrayList<>(command);
        otherOption.set(1, "-XX:+UseParallelGC");
        assertThat(WorkerClassArchive.key(otherOption)).isNotEqualTo(key);

        Path a = jars.resolve("a.jar");
        Files.setLastModifiedTime(a, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        String touched = WorkerClassArchive.key(command);
        assertThat(touched).as("a jar's modification time").isNotEqualTo(key);

        FileTime time = Files.getLastModifiedTime(a);
        Files.write(a, new byte[] {1, 2, 3, 4});
        Files.setLastModifiedTime(a, time);
        assertThat(WorkerClassArchive.key(command)).as("a jar's size").isNotEqualTo(touched);
    }

    @Test
    void theOperatorsOwnClassSharingOrAotCacheWins() {
        for (String option : List.of("-Xshare:off", "-XX:SharedArchiveFile=x.jsa", "-XX:AOTCache=w.aot",
                "-XX:AOTCacheOutput=w.aot", "-XX:+AutoCreateSharedArchive")) {
            List<String> withIt = new ArrayList<>(command);
            withIt.add(1, option);
            assertThat(WorkerClassArchive.in(dir, withIt)).as(option).isEmpty();
        }
    }

    @Test
    void aNewArchiveKeepsTheTwoNewestOthersAndDropsRecordingsOlderThanADay() throws Exception {
        Instant now = Instant.now();
        Path oldest = aged("worker-0000000000000001.jsa", now.minus(Duration.ofDays(30)));
        Path older = aged("worker-0000000000000002.jsa", now.minus(Duration.ofDays(20)));
        Path newer = aged("worker-0000000000000003.jsa", now.minus(Duration.ofDays(10)));
        Path abandoned = aged("worker-0000000000000003.jsa.x.part", now.minus(Duration.ofDays(2)));
        Path underWay = aged("worker-0000000000000004.jsa.y.part", now.minus(Duration.ofMinutes(1)));
        Path unrelated = aged("notes.txt", now.minus(Duration.ofDays(40)));

        WorkerClassArchive archive = archive();
        WorkerClassArchive.Use use = archive.next();
        Files.write(recordedFile(use), new byte[] {7});
        use.exited().accept(0);

        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).containsExactlyInAnyOrder(archive.archive(), newer, older, underWay, unrelated);
        }
        assertThat(oldest).doesNotExist();
        assertThat(abandoned).doesNotExist();
        assertThat(WorkerClassArchive.KEPT).isEqualTo(3);
    }

    private Path aged(String name, Instant modified) throws Exception {
        Path file = Files.write(dir.resolve(name), new byte[] {0});
        Files.setLastModifiedTime(file, FileTime.from(modified));
        return file;
    }
}
