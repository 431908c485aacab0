package io.runnel.storage.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;

/**
 * A range of whole batches in one segment file, for sending raw batches to a follower without
 * copying them through the heap ({@link FileChannel#transferTo}, i.e. {@code sendfile}).
 *
 * <p>The channel belongs to the segment: do not close it. If the segment is deleted by retention
 * or truncation meanwhile, {@link #transferTo} fails with a {@link java.nio.channels.ClosedChannelException};
 * read again from the log.
 *
 * @param file        the segment file
 * @param channel     its read channel
 * @param position    start of the first batch in the file
 * @param sizeInBytes bytes of whole batches from {@code position}
 * @param firstOffset base offset of the first batch
 * @param nextOffset  offset after the last batch
 */
public record LogSlice(Path file, FileChannel channel, long position, int sizeInBytes, long firstOffset, long nextOffset) {

    /** Writes the whole slice to {@code target}. */
    public void transferTo(WritableByteChannel target) throws IOException {
        long done = 0;
        while (done < sizeInBytes) {
            long n = channel.transferTo(position + done, sizeInBytes - done, target);
            if (n <= 0 && done < sizeInBytes) {
                if (channel.size() < position + sizeInBytes) {
                    throw new java.io.EOFException(file + " ends at " + channel.size() + " before " + (position + sizeInBytes));
                }
            }
            done += Math.max(0, n);
        }
    }
}
