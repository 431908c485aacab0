package io.runnel.jdbc;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed Runnel JDBC URL:
 * <pre>
 *   jdbc:runnel://host[:port][,host[:port]...][/][?key=value[&amp;key=value...]]
 * </pre>
 * Properties may also be separated by {@code ;} (and introduced by {@code ;} instead of
 * {@code ?}), for tools that append them that way. Keys and values are percent-decoded
 * ({@code %26} is {@code &}; a {@code +} stays a {@code +}). The port defaults to
 * {@value HostAndPort#DEFAULT_PORT}; IPv6 addresses are written in brackets. Property values are
 * kept as written here; {@link ConnectionSettings} checks names and values.
 *
 * @param hosts the servers in the order the driver tries them, never empty
 * @param properties the properties of the URL, keys lower-cased, in URL order
 */
record DriverUrl(List<HostAndPort> hosts, Map<String, String> properties) {
    /** What {@link RunnelDriver#acceptsURL(String)} recognises. */
    public static final String PREFIX = "jdbc:runnel:";

    public DriverUrl {
        hosts = List.copyOf(hosts);
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    /**
     * Parses {@code url}.
     *
     * @throws SQLException 08001 naming the URL (without its password) and what is wrong with it
     */
    public static DriverUrl parse(String url) throws SQLException {
        if (url == null || !url.startsWith(PREFIX)) {
            throw DriverErrors.invalidUrl(url, "it does not start with " + PREFIX);
        }
        String rest = url.substring(PREFIX.length());
        if (!rest.startsWith("//")) {
            throw DriverErrors.invalidUrl(url, "expected // after " + PREFIX + " (jdbc:runnel://host:port)");
        }
        rest = rest.substring(2);
        int authorityEnd = indexOfAny(rest, "/?;");
        String authority = authorityEnd < 0 ? rest : rest.substring(0, authorityEnd);
        String tail = authorityEnd < 0 ? "" : rest.substring(authorityEnd);

        List<HostAndPort> hosts = parseHosts(url, authority);

        if (tail.startsWith("/")) {
            tail = tail.substring(1);
            int pathEnd = indexOfAny(tail, "?;");
            String path = pathEnd < 0 ? tail : tail.substring(0, pathEnd);
            if (!path.isEmpty()) {
                throw DriverErrors.invalidUrl(url, "unexpected path '/" + path
                        + "': a Runnel URL names servers and properties only (jdbc:runnel://host:port?key=value)");
            }
            tail = pathEnd < 0 ? "" : tail.substring(pathEnd);
        }
        Map<String, String> properties = tail.isEmpty()
                ? Map.of() : parseProperties(url, tail.substring(1));
        return new DriverUrl(hosts, properties);
    }

    private static List<HostAndPort> parseHosts(String url, String authority) throws SQLException {
        if (authority.isEmpty()) {
            throw DriverErrors.invalidUrl(url, "no host (jdbc:runnel://host:port)");
        }
        if (authority.indexOf('@') >= 0) {
            throw DriverErrors.invalidUrl(url, "user information before the host is not supported; "
                    + "give user and password as properties (?user=...&password=...)");
        }
        List<HostAndPort> hosts = new ArrayList<>();
        for (String part : authority.split(",", -1)) {
            hosts.add(parseHost(url, part));
        }
        return hosts;
    }

    private static HostAndPort parseHost(String url, String part) throws SQLException {
        String host;
        String portText = null;
        if (part.startsWith("[")) {
            int close = part.indexOf(']');
            if (close < 0) {
                throw DriverErrors.invalidUrl(url, "unterminated IPv6 address '" + part + "'");
            }
            host = part.substring(1, close);
            String after = part.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw DriverErrors.invalidUrl(url, "unexpected '" + after + "' after IPv6 address [" + host + "]");
                }
                portText = after.substring(1);
            }
        } else {
            int colon = part.indexOf(':');
            if (colon >= 0 && part.indexOf(':', colon + 1) >= 0) {
                throw DriverErrors.invalidUrl(url, "host '" + part + "' has several ':'; write IPv6 addresses in brackets, e.g. [::1]:7070");
            }
            host = colon < 0 ? part : part.substring(0, colon);
            portText = colon < 0 ? null : part.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw DriverErrors.invalidUrl(url, "empty host in '" + part + "'");
        }
        int port = HostAndPort.DEFAULT_PORT;
        if (portText != null) {
            port = parsePort(url, host, portText);
        }
        return new HostAndPort(host, port);
    }

    private static int parsePort(String url, String host, String portText) throws SQLException {
        if (portText.isEmpty() || portText.length() > 5 || !portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw DriverErrors.invalidUrl(url, "port '" + portText + "' of host " + host + " is not a number from 1 to 65535");
        }
        int port = Integer.parseInt(portText);
        if (port < 1 || port > 65535) {
            throw DriverErrors.invalidUrl(url, "port " + port + " of host " + host + " is not in 1..65535");
        }
        return port;
    }

    private static Map<String, String> parseProperties(String url, String query) throws SQLException {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String pair : query.split("[&;]", -1)) {
            if (pair.isEmpty()) {
                continue; // "?a=1&&b=2" or a trailing separator
            }
            int eq = pair.indexOf('=');
            if (eq < 0) {
                throw DriverErrors.invalidUrl(url, "property '" + pair + "' has no value (write " + pair + "=value)");
            }
            String key = decode(url, pair.substring(0, eq)).trim().toLowerCase(java.util.Locale.ROOT);
            String value = decode(url, pair.substring(eq + 1));
            if (key.isEmpty()) {
                throw DriverErrors.invalidUrl(url, "a property without a name ('" + pair + "')");
            }
            String previous = properties.putIfAbsent(key, value);
            if (previous != null && !previous.equals(value)) {
                throw DriverErrors.invalidUrl(url, "property '" + key + "' is given twice with different values");
            }
        }
        return properties;
    }

    /** Percent-decodes {@code s} as UTF-8; unlike {@link java.net.URLDecoder}, keeps '+' as is. */
    private static String decode(String url, String s) throws SQLException {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length() || Character.digit(s.charAt(i + 1), 16) < 0 || Character.digit(s.charAt(i + 2), 16) < 0) {
                    throw DriverErrors.invalidUrl(url, "bad percent-escape in '" + s + "' (write %25 for a literal %)");
                }
                bytes.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
                    utf8 = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.writeBytes(utf8);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    /** {@code jdbc:runnel://} and the hosts, without properties: safe to print. */
    public String hostsUrl() {
        StringBuilder sb = new StringBuilder(PREFIX).append("//");
        for (int i = 0; i < hosts.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(hosts.get(i));
        }
        return sb.toString();
    }
}
