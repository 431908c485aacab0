package io.runnel.jdbc;

import java.sql.Connection;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Logger;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaFactory;
import org.apache.calcite.avatica.DriverVersion;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.UnregisteredDriver;

/**
 * The Runnel JDBC driver, {@code jdbc:runnel://host:port[,host:port...][?key=value&...]}
 * (docs/jdbc.md). Registered with {@link java.sql.DriverManager} when the class loads and
 * through {@code META-INF/services/java.sql.Driver}.
 *
 * <p>Built on Apache Avatica's client classes with the driver's own {@code Meta}
 * ({@link RunnelClientMeta}) over Avatica protobuf on HTTP; see
 * docs/design/0006-jdbc-driver.md. Thread-safe.
 */
public final class RunnelDriver extends UnregisteredDriver {
    /** The prefix of every Runnel URL. */
    public static final String URL_PREFIX = DriverUrl.PREFIX;

    private static final String VERSION_RESOURCE = "io/runnel/jdbc/runnel-jdbc-driver.properties";

    static {
        new RunnelDriver().register();
    }

    public RunnelDriver() {
        super();
    }

    @Override
    protected String getConnectStringPrefix() {
        return URL_PREFIX;
    }

    @Override
    protected DriverVersion createDriverVersion() {
        return DriverVersion.load(RunnelDriver.class, VERSION_RESOURCE, "Runnel JDBC Driver", "unknown version",
                "Runnel", "unknown version");
    }

    @Override
    protected AvaticaFactory createFactory() {
        return new RunnelJdbcFactory();
    }

    @Override
    protected Collection<org.apache.calcite.avatica.ConnectionProperty> getConnectionProperties() {
        return List.of();
    }

    @Override
    public Meta createMeta(AvaticaConnection connection) {
        return new RunnelClientMeta((RunnelConnection) connection);
    }

    /**
     * Opens a connection on the first host of {@code url} that accepts it.
     *
     * @return {@code null} if {@code url} is not a Runnel URL (JDBC's convention)
     * @throws SQLException 08001 for a malformed URL, an unknown property, an invalid value or no
     *     reachable host; the server's error (e.g. 28000) if a server refused the connection
     */
    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        ConnectionSettings settings = ConnectionSettings.parse(url, info);
        RunnelConnection connection = ((RunnelJdbcFactory) factory).newConnection(this, url, settings);
        handler.onConnectionInit(connection);
        connection.open();
        return connection;
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith(URL_PREFIX);
    }

    /**
     * Every {@link ConnectionProperty} with its description, its value from {@code url} or
     * {@code info} (or its default) and its choices, for tools such as DBeaver. A malformed
     * {@code url} contributes no values rather than failing, since tools call this while the
     * user is still typing.
     */
    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        Map<String, String> fromUrl;
        try {
            fromUrl = url == null ? Map.of() : DriverUrl.parse(url).properties();
        } catch (SQLException e) {
            fromUrl = Map.of();
        }
        List<DriverPropertyInfo> infos = new ArrayList<>();
        for (ConnectionProperty property : ConnectionProperty.values()) {
            String value = info == null ? null : info.getProperty(property.key());
            if (value == null) {
                value = fromUrl.get(property.key());
            }
            if (value == null) {
                value = property.defaultValue().orElse(null);
            }
            DriverPropertyInfo propertyInfo = new DriverPropertyInfo(property.key(), value);
            propertyInfo.description = property.description();
            propertyInfo.required = false;
            propertyInfo.choices = property.choices().isEmpty() ? null : property.choices().toArray(new String[0]);
            infos.add(propertyInfo);
        }
        return infos.toArray(new DriverPropertyInfo[0]);
    }

    /** Not JDBC compliant in the spec's sense: Runnel does not offer all of SQL-92 entry level. */
    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() {
        return Logger.getLogger("io.runnel.jdbc");
    }

    /** The driver's version string from the build, e.g. {@code 0.1.0-SNAPSHOT}. */
    public String version() {
        return getDriverVersion().versionString;
    }

    /** {@code java -jar runnel-jdbc-driver.jar} prints the driver's name and version. */
    public static void main(String[] args) {
        RunnelDriver driver = new RunnelDriver();
        DriverVersion version = driver.getDriverVersion();
        System.out.println(version.name + " " + version.versionString + " (JDBC "
                + driver.factory.getJdbcMajorVersion() + "." + driver.factory.getJdbcMinorVersion() + ")");
    }
}
