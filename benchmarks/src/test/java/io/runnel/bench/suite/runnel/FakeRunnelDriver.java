package io.runnel.bench.suite.runnel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Driver;
import java.sql.DriverPropertyInfo;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-memory stand-in for the Runnel JDBC driver, just large enough to run {@link RunnelSystem}'s
 * SQL (the contract of DESIGN.md §3/§4): CREATE/DROP TOPIC, prepared INSERT with executeBatch,
 * {@code SELECT … WHERE _offset >= 0 EMIT CHANGES} whose {@code next()} waits for rows until the
 * statement is closed, and the GROUP BY aggregate. Each appended row also grows a {@code .seg}
 * file under {@code dataDir/topics/<topic>-0/} by {@link #BYTES_PER_ROW} bytes.
 */
final class FakeRunnelDriver implements Driver {
    /** Not {@code jdbc:runnel:}, so that the real driver, if it is on the class path, never claims it. */
    static final String URL = "jdbc:runnel-fake://127.0.0.1:1";
    static final int BYTES_PER_ROW = 9;

    private static final Pattern CREATE = Pattern.compile("CREATE TOPIC (\\w+) .*WITH \\(partitions = (\\d+)\\)");
    private static final Pattern DROP = Pattern.compile("DROP TOPIC IF EXISTS (\\w+)");
    private static final Pattern INSERT = Pattern.compile("INSERT INTO (\\w+) \\(id, customer, product, amount, qty, placed_at\\).*");
    private static final Pattern STREAM = Pattern.compile("SELECT (.+) FROM (\\w+) WHERE _offset >= 0 EMIT CHANGES");
    private static final Pattern AGGREGATE = Pattern.compile("SELECT customer, SUM\\(amount\\) FROM (\\w+) GROUP BY customer");

    final Map<String, Topic> topics = new ConcurrentHashMap<>();
    final List<String> urls = new CopyOnWriteArrayList<>();
    final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    private final Path dataDir;

    FakeRunnelDriver(Path dataDir) {
        this.dataDir = dataDir;
    }

    /** One topic's rows: {id, customer, product, amount, qty, placed_at}. */
    final class Topic {
        private final String name;
        private final List<Object[]> rows = new ArrayList<>();

        Topic(String name) {
            this.name = name;
        }

        synchronized void append(List<Object[]> batch) {
            rows.addAll(batch);
            notifyAll();
            try {
                Path seg = dataDir.resolve("topics/" + name + "-0/00000000000000000000.seg");
                Files.createDirectories(seg.getParent());
                Files.write(seg, new byte[batch.size() * BYTES_PER_ROW], StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        synchronized Object[] awaitRow(int index, BooleanSupplier closed) throws SQLException {
            while (index >= rows.size()) {
                if (closed.getAsBoolean()) {
                    throw new SQLException("statement closed", "57014");
                }
                try {
                    wait(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SQLException("interrupted", "57014");
                }
            }
            return rows.get(index);
        }

        synchronized List<Object[]> snapshot() {
            return new ArrayList<>(rows);
        }
    }

    @Override
    public Connection connect(String url, Properties info) {
        if (!acceptsURL(url)) {
            return null;
        }
        urls.add(url);
        boolean[] closed = {false};
        return proxy(Connection.class, (p, m, a) -> switch (m.getName()) {
            case "createStatement" -> statement();
            case "prepareStatement" -> prepared((String) a[0]);
            case "getMetaData" -> proxy(DatabaseMetaData.class, (p2, m2, a2) -> switch (m2.getName()) {
                case "getDatabaseProductName" -> "Runnel";
                case "getDatabaseProductVersion", "getDriverVersion" -> "fake";
                case "getDriverName" -> "FakeRunnelDriver";
                default -> throw new UnsupportedOperationException(m2.getName());
            });
            case "close" -> {
                closed[0] = true;
                yield null;
            }
            case "isClosed" -> closed[0];
            default -> throw new UnsupportedOperationException(m.getName());
        });
    }

    private Statement statement() {
        boolean[] closed = {false};
        return proxy(Statement.class, (p, m, a) -> switch (m.getName()) {
            case "execute" -> {
                String sql = (String) a[0];
                Matcher c = CREATE.matcher(sql);
                Matcher d = DROP.matcher(sql);
                if (c.matches()) {
                    if (topics.putIfAbsent(c.group(1), new Topic(c.group(1))) != null) {
                        throw new SQLException("topic " + c.group(1) + " exists", "42P07");
                    }
                } else if (d.matches()) {
                    topics.remove(d.group(1));
                } else {
                    throw new SQLException("unsupported: " + sql, "42601");
                }
                yield false;
            }
            case "executeQuery" -> query((String) a[0], () -> closed[0]);
            case "close" -> {
                closed[0] = true;
                yield null;
            }
            default -> throw new UnsupportedOperationException(m.getName());
        });
    }

    private ResultSet query(String sql, BooleanSupplier closed) throws SQLException {
        Matcher s = STREAM.matcher(sql);
        if (s.matches()) {
            Topic topic = topic(s.group(2));
            int[] columns = s.group(1).equals("*") ? new int[] {0, 1, 2, 3, 4, 5} : new int[] {0, 3};
            int[] next = {0};
            Object[][] current = {null};
            return resultSet(() -> {
                current[0] = topic.awaitRow(next[0]++, closed);
                return true;
            }, i -> current[0][columns[i - 1]]);
        }
        Matcher g = AGGREGATE.matcher(sql);
        if (g.matches()) {
            Map<String, BigDecimal> sums = new TreeMap<>();
            for (Object[] row : topic(g.group(1)).snapshot()) {
                sums.merge((String) row[1], (BigDecimal) row[3], BigDecimal::add);
            }
            Iterator<Map.Entry<String, BigDecimal>> it = sums.entrySet().iterator();
            Object[][] current = {null};
            return resultSet(() -> {
                if (!it.hasNext()) {
                    return false;
                }
                Map.Entry<String, BigDecimal> e = it.next();
                current[0] = new Object[] {e.getKey(), e.getValue()};
                return true;
            }, i -> current[0][i - 1]);
        }
        throw new SQLException("unsupported query: " + sql, "42601");
    }

    private Topic topic(String name) throws SQLException {
        Topic t = topics.get(name);
        if (t == null) {
            throw new SQLException("unknown topic " + name, "42P01");
        }
        return t;
    }

    private interface Next {
        boolean next() throws SQLException;
    }

    private interface Column {
        Object get(int index);
    }

    private static ResultSet resultSet(Next next, Column column) {
        return proxy(ResultSet.class, (p, m, a) -> switch (m.getName()) {
            case "next" -> next.next();
            case "getLong" -> (Long) column.get((Integer) a[0]);
            case "getInt" -> (Integer) column.get((Integer) a[0]);
            case "getString" -> (String) column.get((Integer) a[0]);
            case "getBigDecimal" -> (BigDecimal) column.get((Integer) a[0]);
            case "getTimestamp" -> (Timestamp) column.get((Integer) a[0]);
            case "close" -> null;
            default -> throw new UnsupportedOperationException(m.getName());
        });
    }

    private PreparedStatement prepared(String sql) throws SQLException {
        Matcher i = INSERT.matcher(sql);
        if (!i.matches()) {
            throw new SQLException("unsupported: " + sql, "42601");
        }
        Topic topic = topic(i.group(1));
        Object[] params = new Object[6];
        List<Object[]> batch = new ArrayList<>();
        return proxy(PreparedStatement.class, (p, m, a) -> switch (m.getName()) {
            case "setLong", "setString", "setBigDecimal", "setInt", "setTimestamp" -> {
                params[(Integer) a[0] - 1] = a[1];
                yield null;
            }
            case "addBatch" -> {
                batch.add(params.clone());
                yield null;
            }
            case "executeUpdate" -> {
                topic.append(List.<Object[]>of(params.clone()));
                yield 1;
            }
            case "executeBatch" -> {
                topic.append(batch);
                batchSizes.add(batch.size());
                int[] counts = new int[batch.size()];
                java.util.Arrays.fill(counts, 1);
                batch.clear();
                yield counts;
            }
            case "close" -> null;
            default -> throw new UnsupportedOperationException(m.getName());
        });
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, InvocationHandler handler) {
        return (T) Proxy.newProxyInstance(FakeRunnelDriver.class.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> {
            if (m.getName().equals("toString")) {
                return "Fake" + type.getSimpleName();
            }
            if (m.getName().equals("hashCode")) {
                return System.identityHashCode(p);
            }
            if (m.getName().equals("equals")) {
                return p == a[0];
            }
            return handler.invoke(p, m, a);
        });
    }

    @Override
    public boolean acceptsURL(String url) {
        return url.startsWith(URL);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        return new DriverPropertyInfo[0];
    }

    @Override
    public int getMajorVersion() {
        return 0;
    }

    @Override
    public int getMinorVersion() {
        return 1;
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() {
        return Logger.getLogger("fake");
    }
}
