package io.runnel.jdbc;

import java.net.URI;
import java.util.Objects;

/**
 * One server address of a Runnel URL.
 *
 * @param host a host name, an IPv4 address or an IPv6 address without brackets
 * @param port 1 to 65535
 */
record HostAndPort(String host, int port) {
    /** The port a Runnel server listens on for SQL unless told otherwise (DESIGN.md §6). */
    public static final int DEFAULT_PORT = 7070;

    public HostAndPort {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("empty host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " of " + host + " is not in 1..65535");
        }
    }

    /** The Avatica endpoint of this server: {@code http://host:port/} or {@code https://host:port/}. */
    public URI endpoint(boolean ssl) {
        return URI.create((ssl ? "https://" : "http://") + this + "/");
    }

    /** {@code host:port}, with brackets around an IPv6 address. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
