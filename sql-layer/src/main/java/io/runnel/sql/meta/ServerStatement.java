package io.runnel.sql.meta;

import io.runnel.sql.exec.Prepared;
import io.runnel.sql.exec.RunningQuery;

/**
 * One statement of a connection: what it prepared, and the query whose rows it is returning.
 *
 * <p>Thread-safe: fields are volatile; written by the request executing the statement, read by
 * fetches and by close/cancel from other requests.
 */
final class ServerStatement {
    final int id;
    /** Set by prepare; read by execute. */
    volatile Prepared prepared;
    /** Rows a client may still fetch; read by fetch, replaced by the next execute, cancelled by close. */
    volatile RunningQuery query;
    /** The statement's max rows (from prepare); 0 for none. */
    volatile long maxRowCount;

    ServerStatement(int id) {
        this.id = id;
    }
}
