package io.runnel.storage.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/**
 * A file holding one offset, replaced atomically: written to {@code name.tmp}, fsynced, renamed
 * over {@code name}, and the directory fsynced. Format: {@code "0 <offset>\n"} (version 0), text so
 * an operator can read it. A missing or unreadable file reads as empty (the log then recovers more).
 *
 * <p>Not thread-safe: the log's writer owns it.
 */
final class CheckpointFile {
    private static final String VERSION = "0";

    private final Path file;

    CheckpointFile(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    void write(long offset) throws IOException {
        writeAtomically(file, ByteBuffer.wrap((VERSION + " " + offset + "\n").getBytes(StandardCharsets.US_ASCII)));
        fsyncDirectory(file.getParent());
    }

    /**
     * Replaces {@code target} with {@code bytes} so that a crash leaves the old file or the new one, never
     * a mix: written to {@code target.tmp}, fsynced, renamed over {@code target}. The caller fsyncs the
     * directory (once, after any further renames or deletes).
     */
    static void writeAtomically(Path target, ByteBuffer bytes) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The stored offset, or empty when the file is missing or damaged. */
    OptionalLong read() {
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            String[] parts = text.split(" ");
            if (parts.length != 2 || !parts[0].equals(VERSION)) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(Long.parseLong(parts[1]));
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** Makes renames and deletes in {@code dir} durable. */
    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some platforms cannot open directories; the rename is still atomic there.
            if (!System.getProperty("os.name", "").toLowerCase().contains("win")) {
                throw e;
            }
        }
    }
}
