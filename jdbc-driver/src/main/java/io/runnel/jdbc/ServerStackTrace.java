package io.runnel.jdbc;

import java.util.List;

/**
 * The stack trace(s) the server sent with an error, attached as the cause of the
 * {@link java.sql.SQLException} the driver throws so that the exception's message stays the
 * server's message alone. Not thrown on its own. Thread-safe: immutable.
 */
public final class ServerStackTrace extends Exception {
    private static final long serialVersionUID = 1L;

    ServerStackTrace(HostAndPort endpoint, List<String> stackTraces) {
        super("stack trace on " + endpoint + ":\n" + String.join("\n", stackTraces), null, false, false);
    }
}
