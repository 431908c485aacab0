package io.runnel.bench.suite.load;

/** Which columns a consume run reads. */
public enum Projection {
    /** All six user columns, each read into a Java value. */
    ALL_COLUMNS,
    /** {@code id} and {@code amount} only. */
    ID_AND_AMOUNT
}
