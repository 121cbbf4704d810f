package netdisk.server.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The files of kept partial uploads, {@code DATA/blobs/partial/<id>.part} (inside the blob store, so that a finished
 * one is renamed into place, atomically, like any blob; see {@link FileBlobStore}).
 *
 * <p>A partial file is used only while {@link PartialFile held}: an exclusive {@code fcntl} lock on the whole file,
 * which the kernel drops when the holding process dies (even by {@code kill -9}), so a worker that crashed never
 * keeps a partial from being resumed or expired. A JVM cannot take that lock twice (and, on Linux, closing any of
 * its channels on a file drops every lock it has on the file), so a set of the files held in this JVM comes first:
 * a file held here is not even opened again. This matters in thread mode, where the workers and the master's expiry
 * share one JVM.
 */
public final class PartialStore {

    static final String SUFFIX = ".part";

    /** The partial files held in this JVM, by path: checked before a file is opened, so a holder's lock stays. */
    private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

    private final Path directory;

    private PartialStore(Path directory) {
        this.directory = directory;
    }

    /** The partial files under {@code blobRoot/partial}, created if needed. */
    static PartialStore open(Path blobRoot) throws IOException {
        return new PartialStore(Files.createDirectories(blobRoot.resolve("partial")).toRealPath());
    }

    public Path directory() {
        return directory;
    }

    /** A new, empty partial file under a new random id, held. */
    public PartialFile create() throws IOException {
        while (true) {
            PartialId id = PartialId.random();
            Optional<PartialFile> created = hold(id, StandardOpenOption.CREATE_NEW);
            if (created.isPresent()) {
                return created.get();
            }
        }
    }

    /**
     * Holds the partial file {@code id}, creating it empty if it is missing (its row names it, so it is this
     * caller's to fill); empty if someone else holds it.
     */
    public Optional<PartialFile> tryHold(PartialId id) throws IOException {
        return hold(id, StandardOpenOption.CREATE);
    }

    /** Holds the partial file {@code id} if it exists and nobody else holds it. */
    public Optional<PartialFile> tryHoldExisting(PartialId id) throws IOException {
        try {
            return hold(id);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Whether the partial file {@code id} exists. */
    public boolean exists(PartialId id) {
        return Files.exists(pathOf(id), LinkOption.NOFOLLOW_LINKS);
    }

    /** The ids of every partial file (files of other names are not partials and are left alone). */
    public List<PartialId> list() throws IOException {
        List<PartialId> ids = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String id = name.substring(0, name.length() - SUFFIX.length());
                if (PartialId.isPartialId(id)) {
                    ids.add(new PartialId(id));
                }
            }
        }
        return ids;
    }

    /** {@code directory/<id>.part}: built from a validated random id only. */
    Path pathOf(PartialId id) {
        return directory.resolve(id.value() + SUFFIX);
    }

    private Optional<PartialFile> hold(PartialId id, OpenOption... create) throws IOException {
        Objects.requireNonNull(id, "id");
        Path path = pathOf(id);
        if (!HELD_HERE.add(path)) {
            return Optional.empty();
        }
        FileChannel channel = null;
        try {
            List<OpenOption> options = new ArrayList<>(List.of(StandardOpenOption.READ, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS));
            options.addAll(List.of(create));
            channel = FileChannel.open(path, options.toArray(OpenOption[]::new));
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // cannot happen with HELD_HERE, but a held file is a held file
            }
            if (lock == null) {
                channel.close();
                HELD_HERE.remove(path);
                return Optional.empty();
            }
            return Optional.of(new PartialFile(id, path, channel, () -> HELD_HERE.remove(path)));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            HELD_HERE.remove(path);
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            HELD_HERE.remove(path);
            throw e;
        }
    }
}
