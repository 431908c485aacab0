package io.runnel.storage.format;

/**
 * The bytes of a batch are not what was written: a CRC mismatch, a length that runs past the end,
 * Arrow metadata that points outside the body. The message names where (file and position when the
 * batch came from a segment) and what was expected versus found. Not retriable on the same bytes.
 */
public final class CorruptBatchException extends BatchFormatException {
    private static final long serialVersionUID = 1L;

    public CorruptBatchException(String message) {
        super(message);
    }

    public CorruptBatchException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The same problem with a location prefixed, e.g. {@code ".../00000000000000001234.seg at position 8123: "}. */
    public CorruptBatchException at(String location) {
        CorruptBatchException located = new CorruptBatchException(location + ": " + getMessage(), getCause());
        located.setStackTrace(getStackTrace());
        return located;
    }
}
