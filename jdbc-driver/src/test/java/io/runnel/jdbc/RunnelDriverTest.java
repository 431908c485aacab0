package io.runnel.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RunnelDriverTest {
    private final RunnelDriver driver = new RunnelDriver();

    @Test
    void driverManagerFindsTheDriverForRunnelUrlsOnly() throws SQLException {
        assertThat(DriverManager.getDriver("jdbc:runnel://localhost:7070")).isInstanceOf(RunnelDriver.class);
        assertThat(ServiceLoader.load(Driver.class).stream().map(ServiceLoader.Provider::type))
                .contains(RunnelDriver.class);
        assertThat(driver.acceptsURL("jdbc:runnel://h")).isTrue();
        assertThat(driver.acceptsURL("jdbc:runnel:typo")).as("ours, reported as malformed when connecting").isTrue();
        assertThat(driver.acceptsURL("jdbc:postgresql://h/db")).isFalse();
        assertThat(driver.acceptsURL(null)).isFalse();
        assertThat(driver.connect("jdbc:avatica:remote:url=http://h", new Properties())).isNull();
    }

    @Test
    void aMalformedRunnelUrlIsAnErrorNotNull() {
        SQLException e = catchThrowableOfType(SQLException.class, () -> driver.connect("jdbc:runnel:typo", null));
        assertThat(e.getSQLState()).isEqualTo("08001");
    }

    @Test
    void versionComesFromTheBuild() {
        String version = System.getProperty("runnel.project.version");
        assertThat(version).as("set by the build (surefire)").isNotBlank();
        String[] parts = version.replaceAll("-.*", "").split("\\.");
        assertThat(driver.getMajorVersion()).isEqualTo(Integer.parseInt(parts[0]));
        assertThat(driver.getMinorVersion()).isEqualTo(Integer.parseInt(parts[1]));
        assertThat(driver.version()).isEqualTo(version);
        assertThat(driver.jdbcCompliant()).isFalse();
        assertThat(driver.getParentLogger().getName()).isEqualTo("io.runnel.jdbc");
    }

    @Test
    void propertyInfoDescribesEveryPropertyWithValueDefaultAndChoices() {
        Properties info = new Properties();
        info.setProperty("user", "alice");
        DriverPropertyInfo[] infos = driver.getPropertyInfo("jdbc:runnel://h?acks=1", info);
        Map<String, DriverPropertyInfo> byName = Arrays.stream(infos)
                .collect(Collectors.toMap(i -> i.name, Function.identity()));

        assertThat(byName.keySet()).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(ConnectionProperty.values()).map(ConnectionProperty::key).toList());
        assertThat(byName.get("user").value).isEqualTo("alice");
        assertThat(byName.get("acks").value).isEqualTo("1");
        assertThat(byName.get("acks").choices).containsExactly("0", "1", "all");
        assertThat(byName.get("ssl").value).isEqualTo("false");
        assertThat(byName.get("ssl").choices).containsExactly("true", "false");
        assertThat(byName.get("fetch_wait_ms").value).isEqualTo("1000");
        assertThat(byName.get("password").value).isNull();
        assertThat(infos).allSatisfy(i -> {
            assertThat(i.description).isNotBlank();
            assertThat(i.required).isFalse();
        });
    }

    @Test
    void propertyInfoToleratesAnUnfinishedUrl() {
        assertThat(driver.getPropertyInfo("jdbc:runnel://h:", null)).hasSize(ConnectionProperty.values().length);
    }

    @Test
    void metadataNamesTheDriverAndTheServersProduct() throws Exception {
        try (FakeRunnelServer server = FakeRunnelServer.start()) {
            try (Connection c = DriverManager.getConnection(server.url("?user=alice&password=hunter2"))) {
                DatabaseMetaData md = c.getMetaData();
                assertThat(md.getDriverName()).isEqualTo("Runnel JDBC Driver");
                assertThat(md.getDriverVersion()).isEqualTo(System.getProperty("runnel.project.version"));
                assertThat(md.getDriverMajorVersion()).isEqualTo(driver.getMajorVersion());
                assertThat(md.getDatabaseProductName()).as("the server reported none").isEqualTo("Runnel");
                assertThat(md.getURL()).isEqualTo(server.url("?user=alice&password=***"));
                assertThat(md.getUserName()).isEqualTo("alice");
                assertThat(md.isReadOnly()).isFalse();
                assertThat(md.getJDBCMajorVersion()).isEqualTo(4);
            }
            server.meta().databaseProperties = Map.of(
                    org.apache.calcite.avatica.Meta.DatabaseProperty.GET_DATABASE_PRODUCT_NAME, "Runnel",
                    org.apache.calcite.avatica.Meta.DatabaseProperty.GET_DATABASE_PRODUCT_VERSION, "9.8.7",
                    org.apache.calcite.avatica.Meta.DatabaseProperty.GET_DATABASE_MAJOR_VERSION, 9,
                    org.apache.calcite.avatica.Meta.DatabaseProperty.GET_S_Q_L_KEYWORDS, "EMIT,TOPIC");
            try (Connection c = DriverManager.getConnection(server.url())) {
                DatabaseMetaData md = c.getMetaData();
                assertThat(md.getDatabaseProductVersion()).isEqualTo("9.8.7");
                assertThat(md.getDatabaseMajorVersion()).isEqualTo(9);
                assertThat(md.getSQLKeywords()).isEqualTo("EMIT,TOPIC");
                assertThat(md.getStringFunctions()).isEmpty();
            }
        }
    }
}
