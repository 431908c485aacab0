package io.runnel.storage.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/** Opens the channels segments write through: the seam tests use to inject I/O failures (a full disk). */
@FunctionalInterface
interface FileChannelFactory {
    FileChannelFactory DEFAULT = FileChannel::open;

    FileChannel open(Path path, OpenOption... options) throws IOException;
}
