package io.runnel.engine.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;

/**
 * Small files that must be whole after a crash (catalog entries, checkpoints): written to
 * {@code name.tmp}, forced to disk, renamed over {@code name} atomically, and the directory forced so
 * the rename itself is durable. A reader sees the old content or the new, never a mix.
 *
 * <p>Stateless and thread-safe; two writers of the same file must be serialized by their caller.
 */
public final class AtomicFiles {
    /** Suffix of a file being written; a leftover of a crash, deleted on start. */
    public static final String TMP_SUFFIX = ".tmp";

    private AtomicFiles() {}

    /** Replaces {@code file} with {@code bytes} atomically and durably, through {@code file.tmp}. */
    public static void write(Path file, byte[] bytes) throws IOException {
        write(file, bytes, file.resolveSibling(file.getFileName() + TMP_SUFFIX));
    }

    /**
     * Replaces {@code file} with {@code bytes} atomically and durably, writing first to {@code tmp} (on
     * the same file system; its directory is where leftovers of a crash must be looked for).
     */
    public static void write(Path file, byte[] bytes, Path tmp) throws IOException {
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        move(tmp, file);
        fsyncDirectory(file.getParent());
    }

    /** Renames {@code from} to {@code to} atomically (replacing it), without forcing the directory. */
    public static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Deletes {@code file} and forces its directory, so the deletion survives a crash. */
    public static void deleteDurably(Path file) throws IOException {
        Files.deleteIfExists(file);
        fsyncDirectory(file.getParent());
    }

    /** Makes renames, creations and deletions in {@code dir} durable. */
    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Windows cannot open a directory; its renames are durable without it.
            if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win")) {
                throw e;
            }
        }
    }

    /** Deletes {@code dir} and everything below it; a missing directory is fine. */
    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                try {
                    Files.delete(file);
                } catch (NoSuchFileException e) {
                    // Gone already.
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                try {
                    Files.delete(d);
                } catch (NoSuchFileException gone) {
                    // Gone already.
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
