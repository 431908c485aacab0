package io.runnel.storage.format;

/** A region of a byte array holding one decoded Arrow buffer. */
record BufferSlice(byte[] array, int offset, int length) {
    static final BufferSlice EMPTY = new BufferSlice(new byte[0], 0, 0);
}
