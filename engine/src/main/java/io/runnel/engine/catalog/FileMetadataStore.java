package io.runnel.engine.catalog;

import io.runnel.engine.TopicInfo;
import io.runnel.engine.fs.AtomicFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-node catalog: one JSON file per topic ({@link TopicCodec}) in {@code <data>/meta/topics/},
 * named by the lower-cased topic name ({@code orders.json}), so that names unique case-insensitively
 * are also unique on case-insensitive file systems. Each write goes through {@link AtomicFiles}
 * (temp file in {@code <data>/meta/tmp/}, fsync, atomic rename, fsync of the directory): after a crash
 * an entry is the old one or the new one. (The temp files live in their own directory because a
 * 249-character name plus {@code .json.tmp} would exceed the 255 bytes a file name may have, and
 * because no suffix can tell a temp file from a topic whose name ends in it.) Versions are checked against an in-memory copy loaded at open; this process is
 * the directory's only writer (the engine holds a lock file on the data directory).
 *
 * <p>Thread-safe: writes are serialized by one lock; reads see the last completed write.
 */
public final class FileMetadataStore implements MetadataStore {
    private static final Logger LOG = LoggerFactory.getLogger(FileMetadataStore.class);
    private static final String SUFFIX = ".json";

    private final Path dir;
    private final Path tmpDir;
    private final ReentrantLock lock = new ReentrantLock();
    /** Lower-cased name to entry. Guarded by {@link #lock}. */
    private final Map<String, Versioned<TopicInfo>> entries = new HashMap<>();

    private FileMetadataStore(Path dir, Path tmpDir) {
        this.dir = dir;
        this.tmpDir = tmpDir;
    }

    /**
     * Opens (or creates) the catalog in {@code dir}, reading every entry and deleting leftovers of an
     * interrupted write.
     *
     * @throws MetadataStoreException naming the file when an entry cannot be read
     */
    public static FileMetadataStore open(Path dir, Path tmpDir) {
        FileMetadataStore store = new FileMetadataStore(dir, tmpDir);
        try {
            Files.createDirectories(dir);
            Files.createDirectories(tmpDir);
            try (DirectoryStream<Path> files = Files.newDirectoryStream(tmpDir)) {
                for (Path file : files) {
                    Files.deleteIfExists(file);
                    LOG.info("Deleted {}: the leftover of an interrupted catalog write", file);
                }
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path file : files) {
                    String fileName = file.getFileName().toString();
                    if (!fileName.endsWith(SUFFIX)) {
                        continue;
                    }
                    Versioned<TopicInfo> entry;
                    try {
                        entry = TopicCodec.decode(Files.readAllBytes(file), file.toString());
                    } catch (IllegalArgumentException e) {
                        throw new MetadataStoreException("cannot load the catalog: " + e.getMessage(), e);
                    }
                    String key = key(entry.value().name());
                    if (!fileName.equals(key + SUFFIX)) {
                        throw new MetadataStoreException("cannot load the catalog: " + file + " holds topic "
                                + entry.value().name() + ", expected file " + key + SUFFIX, null);
                    }
                    store.entries.put(key, entry);
                }
            }
        } catch (IOException e) {
            throw new MetadataStoreException("cannot read the catalog in " + dir + ": " + e, e);
        }
        return store;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public List<Versioned<TopicInfo>> loadAll() {
        lock.lock();
        try {
            return new ArrayList<>(entries.values());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<Versioned<TopicInfo>> get(String name) {
        lock.lock();
        try {
            return Optional.ofNullable(entries.get(key(name)));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int create(TopicInfo topic) {
        lock.lock();
        try {
            String key = key(topic.name());
            Versioned<TopicInfo> existing = entries.get(key);
            if (existing != null) {
                throw new MetadataConflictException("topic " + existing.value().name() + " already exists (version "
                        + existing.version() + ")");
            }
            write(key, topic, 1);
            return 1;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int update(TopicInfo topic, int expectedVersion) {
        lock.lock();
        try {
            String key = key(topic.name());
            check(key, topic.name(), expectedVersion);
            int version = expectedVersion + 1;
            write(key, topic, version);
            return version;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void delete(String name, int expectedVersion) {
        lock.lock();
        try {
            String key = key(name);
            check(key, name, expectedVersion);
            Path file = dir.resolve(key + SUFFIX);
            try {
                AtomicFiles.deleteDurably(file);
            } catch (IOException e) {
                throw new MetadataStoreException("cannot delete catalog entry " + file + ": " + e, e);
            }
            entries.remove(key);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        // Every write is durable when it returns: nothing to flush.
    }

    private void check(String key, String name, int expectedVersion) {
        Versioned<TopicInfo> existing = entries.get(key);
        if (existing == null) {
            throw new MetadataConflictException("topic " + name + " is not in the catalog (expected version "
                    + expectedVersion + ")");
        }
        if (existing.version() != expectedVersion) {
            throw new MetadataConflictException("topic " + name + " has catalog version " + existing.version()
                    + ", expected " + expectedVersion);
        }
    }

    /** Guarded by {@link #lock}. */
    private void write(String key, TopicInfo topic, int version) {
        Path file = dir.resolve(key + SUFFIX);
        try {
            AtomicFiles.write(file, TopicCodec.encode(topic, version), tmpDir.resolve(key + SUFFIX));
        } catch (IOException e) {
            throw new MetadataStoreException("cannot write catalog entry " + file + ": " + e, e);
        }
        entries.put(key, new Versioned<>(topic, version));
    }

    /** The case-insensitive key of a topic name (names are ASCII). */
    static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
