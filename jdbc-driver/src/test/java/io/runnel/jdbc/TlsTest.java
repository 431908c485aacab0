package io.runnel.jdbc;

import static io.runnel.jdbc.Behaviors.bigintColumns;
import static io.runnel.jdbc.Behaviors.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLNonTransientConnectionException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ssl=true: HTTPS with a trust store, and clear errors when the certificate is not trusted. */
class TlsTest {
    private static final String PASSWORD = "changeit";

    @TempDir
    static Path dir;
    static Path keyStore;
    static FakeRunnelServer server;

    @BeforeAll
    static void startHttpsServer() throws Exception {
        keyStore = dir.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "runnel",
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keyStore.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("keytool finished: " + output).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        server = FakeRunnelServer.startTls(keyStore, PASSWORD);
        server.meta().on("SELECT 1", Behaviors.bounded(bigintColumns("ONE"), List.of(row(1L))));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void httpsWithATrustStore() throws Exception {
        // the server's own PKCS12 file serves as trust store: its certificate is the one to trust
        String url = server.url("?ssl=true&ssl_truststore=" + keyStore + "&ssl_truststore_password=" + PASSWORD);
        try (Connection c = DriverManager.getConnection(url);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(1);
        }
    }

    @Test
    void anUntrustedCertificateIsANamedTlsError() {
        SQLNonTransientConnectionException e = catchThrowableOfType(SQLNonTransientConnectionException.class,
                () -> DriverManager.getConnection(server.url("?ssl=true")));
        assertThat(e.getSQLState()).isEqualTo("08001");
        assertThat(e.getMessage()).contains("TLS with 127.0.0.1:" + server.port() + " failed")
                .contains("check ssl and ssl_truststore");
    }

    @Test
    void anUnreadableTrustStoreIsNamed() throws Exception {
        Path notAKeyStore = Files.writeString(dir.resolve("garbage.p12"), "not a key store");
        SQLNonTransientConnectionException e = catchThrowableOfType(SQLNonTransientConnectionException.class,
                () -> DriverManager.getConnection(server.url("?ssl=true&ssl_truststore=" + notAKeyStore)));
        assertThat(e.getSQLState()).isEqualTo("08001");
        assertThat(e.getMessage()).startsWith("cannot load ssl_truststore '" + notAKeyStore + "'");
    }
}
