package io.runnel.sql.exec;

/**
 * One running statement as {@code sys.queries} lists it.
 *
 * @param queryId server-unique id, e.g. {@code q-42}; {@code CANCEL QUERY 'q-42'} ends it
 * @param connectionId the Avatica connection id of the client that runs it
 * @param statementId the statement id within that connection
 * @param sql the statement's text
 * @param kind {@code bounded} or {@code unbounded}
 * @param state {@code RUNNING} (producing rows), {@code WAITING} (an unbounded query waiting for new
 *     rows, or for the client to fetch), {@code FINISHED} (all rows produced, not yet all fetched)
 * @param startedAtMs when it started, epoch milliseconds
 * @param rowsReturned rows handed to the client so far
 */
public record QueryInfo(String queryId, String connectionId, int statementId, String sql, String kind, String state,
        long startedAtMs, long rowsReturned) {}
