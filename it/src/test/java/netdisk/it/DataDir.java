package netdisk.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a server keeps in its data directory, seen from outside: committed blobs ({@code blobs/ab/cd/<sha256>}),
 * temporary files of uploads ({@code blobs/tmp}), kept partial uploads ({@code blobs/partial}) and the audit log
 * ({@code logs/audit.log}).
 */
final class DataDir {

    private DataDir() {
    }

    /** Every committed blob file (not the temporary ones, nor kept partial uploads). */
    static List<Path> blobFiles(Path data) throws IOException {
        Path blobs = data.resolve("blobs");
        if (!Files.isDirectory(blobs)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(blobs)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> !blobs.relativize(p).startsWith("tmp"))
                    .filter(p -> !blobs.relativize(p).startsWith("partial"))
                    .sorted().toList();
        }
    }

    /** The hashes that committed blob files are named after, checking that each sits at {@code ab/cd/abcd…}. */
    static Set<String> blobHashes(Path data) throws IOException {
        Path blobs = data.resolve("blobs");
        Set<String> hashes = new java.util.TreeSet<>();
        for (Path file : blobFiles(data)) {
            String name = file.getFileName().toString();
            if (!name.matches("[0-9a-f]{64}") || !blobs.relativize(file).toString()
                    .equals(name.substring(0, 2) + "/" + name.substring(2, 4) + "/" + name)) {
                throw new AssertionError("not where a blob belongs: " + file);
            }
            hashes.add(name);
        }
        return hashes;
    }

    /** The temporary files of uploads in progress (or that a crash left). */
    static List<Path> temporaryFiles(Path data) throws IOException {
        Path tmp = data.resolve("blobs/tmp");
        if (!Files.isDirectory(tmp)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(tmp)) {
            return files.sorted().toList();
        }
    }

    /** The files of uploads that broke off and are kept to be resumed. */
    static List<Path> partialFiles(Path data) throws IOException {
        Path partial = data.resolve("blobs/partial");
        if (!Files.isDirectory(partial)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(partial)) {
            return files.sorted().toList();
        }
    }

    /** The audit log's lines (none if there is no log yet). */
    static List<String> auditLines(Path data) throws IOException {
        Path log = data.resolve("logs/audit.log");
        if (!Files.exists(log)) {
            return List.of();
        }
        return Files.readAllLines(log, StandardCharsets.UTF_8);
    }

    /** The audit log as it is on disk, every byte. */
    static String auditText(Path data) throws IOException {
        Path log = data.resolve("logs/audit.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    static String describe(Path data) throws IOException {
        return "blobs " + blobFiles(data).stream().map(p -> p.getFileName().toString()).collect(Collectors.toList())
                + ", temporary " + temporaryFiles(data) + ", partial " + partialFiles(data);
    }
}
