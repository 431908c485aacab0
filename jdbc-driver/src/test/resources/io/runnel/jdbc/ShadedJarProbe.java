import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLSyntaxErrorException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import io.runnel.jdbc.shaded.io.runnel.storage.format.BatchBuilder;
import io.runnel.jdbc.shaded.io.runnel.storage.format.BatchDecoder;
import io.runnel.jdbc.shaded.io.runnel.storage.format.BatchMetadata;
import io.runnel.jdbc.shaded.io.runnel.storage.format.Column;
import io.runnel.jdbc.shaded.io.runnel.storage.format.ColumnType;
import io.runnel.jdbc.shaded.io.runnel.storage.format.Compression;
import io.runnel.jdbc.shaded.io.runnel.storage.format.DecodedBatch;
import io.runnel.jdbc.shaded.io.runnel.storage.format.RecordBatch;
import io.runnel.jdbc.shaded.io.runnel.storage.format.Schema;

/**
 * Run by ShadedJarIT as "java -cp runnel-jdbc-driver.jar ShadedJarProbe.java URL" in a fresh JVM
 * whose class path is the shaded jar and nothing else; it compiles against the jar, so it names
 * the relocated batch format directly. Prints one line per finding; any failure ends the JVM with
 * a non-zero status.
 */
public class ShadedJarProbe {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        Driver driver = DriverManager.getDriver(url);
        System.out.println("driver " + driver.getClass().getName() + " " + driver.getMajorVersion() + "."
                + driver.getMinorVersion());

        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            StringBuilder rows = new StringBuilder();
            try (ResultSet rs = s.executeQuery("SELECT n FROM t")) {
                while (rs.next()) {
                    rows.append(rows.length() == 0 ? "" : ",").append(rs.getLong(1));
                }
            }
            System.out.println("rows " + rows);
            System.out.println("metadata " + c.getMetaData().getDriverName() + " " + c.getMetaData().getDriverVersion());

            try {
                s.executeQuery("SELECT * FROM nowhere");
                throw new AssertionError("no error for an unknown table");
            } catch (SQLSyntaxErrorException e) {
                System.out.println("error " + e.getClass().getSimpleName() + " " + e.getSQLState() + " " + e.getMessage());
            }

            ExecutorService thread = Executors.newSingleThreadExecutor();
            try {
                ResultSet stream = s.executeQuery("SELECT n FROM silent EMIT CHANGES");
                Future<String> next = thread.submit(() -> {
                    try {
                        stream.next();
                        return "no error";
                    } catch (SQLException e) {
                        return e.getClass().getSimpleName() + " " + e.getSQLState();
                    }
                });
                s.cancel();
                System.out.println("cancel " + next.get(30, TimeUnit.SECONDS));

                s.setQueryTimeout(1);
                ResultSet timed = s.executeQuery("SELECT n FROM silent EMIT CHANGES");
                try {
                    timed.next();
                    throw new AssertionError("no timeout");
                } catch (SQLException e) {
                    System.out.println("timeout " + e.getClass().getSimpleName() + " " + e.getSQLState() + " " + e.getMessage());
                }
            } finally {
                thread.shutdownNow();
            }
        }

        for (String leaked : new String[] {"org.apache.calcite.avatica.Meta", "com.google.protobuf.Message",
                "org.slf4j.LoggerFactory", "com.fasterxml.jackson.core.JsonFactory", "net.jpountz.lz4.LZ4Factory"}) {
            try {
                Class.forName(leaked);
                throw new AssertionError("unrelocated class in the jar: " + leaked);
            } catch (ClassNotFoundException expected) {
                // relocated, as it should be
            }
        }
        System.out.println("relocated ok");

        // zstd-jni is not relocated (its JNI names are bound to its package): its native library must load from the jar.
        Class<?> zstd = Class.forName("com.github.luben.zstd.Zstd");
        byte[] input = "runnel runnel runnel runnel runnel runnel".getBytes();
        byte[] compressed = (byte[]) zstd.getMethod("compress", byte[].class).invoke(null, input);
        byte[] restored = (byte[]) zstd.getMethod("decompress", byte[].class, int.class).invoke(null, compressed, input.length);
        if (!Arrays.equals(input, restored)) {
            throw new AssertionError("zstd round trip changed the bytes");
        }
        System.out.println("zstd ok " + input.length + " -> " + compressed.length + " bytes");

        // lz4-java is relocated, so it picks its Java implementation by (relocated) class name: prove it can.
        java.io.ByteArrayOutputStream frame = new java.io.ByteArrayOutputStream();
        try (java.io.OutputStream out = (java.io.OutputStream) Class.forName(
                "io.runnel.jdbc.shaded.net.jpountz.lz4.LZ4FrameOutputStream")
                .getConstructor(java.io.OutputStream.class).newInstance(frame)) {
            out.write(input);
        }
        try (java.io.InputStream in = (java.io.InputStream) Class.forName(
                "io.runnel.jdbc.shaded.net.jpountz.lz4.LZ4FrameInputStream")
                .getConstructor(java.io.InputStream.class).newInstance(new java.io.ByteArrayInputStream(frame.toByteArray()))) {
            if (!Arrays.equals(input, in.readAllBytes())) {
                throw new AssertionError("lz4 frame round trip changed the bytes");
            }
        }
        System.out.println("lz4 ok " + input.length + " -> " + frame.size() + " bytes");

        // The batch format of the data path, relocated, with both codecs and its flatbuffers/Arrow metadata.
        for (Compression compression : new Compression[] {Compression.ZSTD, Compression.LZ4_FRAME}) {
            Schema schema = Schema.of(1, Column.of("id", ColumnType.BIGINT, false),
                    Column.varchar("customer", 64, true), Column.decimal("amount", 12, 2, true));
            RecordBatch batch;
            try (BatchBuilder builder = new BatchBuilder(schema, compression)) {
                for (long id = 0; id < 1000; id++) {
                    builder.setLong(0, id);
                    if (id % 7 == 0) {
                        builder.setNull(1);
                    } else {
                        builder.setString(1, "customer-" + (id % 10));
                    }
                    builder.setDecimal(2, java.math.BigDecimal.valueOf(id * 3, 2));
                    builder.endRow();
                }
                batch = RecordBatch.wrap(builder.build(BatchMetadata.NONE));
            }
            try (BatchDecoder decoder = new BatchDecoder()) {
                DecodedBatch decoded = decoder.decode(batch, schema, null);
                for (int row = 0; row < 1000; row++) {
                    boolean ok = decoded.getLong(0, row) == row
                            && (row % 7 == 0 ? decoded.isNull(1, row) : decoded.getString(1, row).equals("customer-" + (row % 10)))
                            && decoded.getDecimal(2, row).equals(java.math.BigDecimal.valueOf(row * 3L, 2));
                    if (!ok) {
                        throw new AssertionError(compression + " batch row " + row + " came back different");
                    }
                }
            }
            System.out.println("format " + compression.codec() + " ok 1000 rows in " + batch.sizeInBytes() + " bytes");
        }
    }
}
