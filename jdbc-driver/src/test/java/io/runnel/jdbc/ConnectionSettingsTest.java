package io.runnel.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.SQLNonTransientConnectionException;
import java.time.ZoneId;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConnectionSettingsTest {
    private static Properties props(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    @Test
    void defaults() throws Exception {
        ConnectionSettings s = ConnectionSettings.parse("jdbc:runnel://h", null);
        assertThat(s.ssl()).isFalse();
        assertThat(s.fetchWaitMs()).isEqualTo(1000);
        assertThat(s.connectTimeoutMs()).isEqualTo(10_000);
        assertThat(s.socketTimeoutMs()).isEqualTo(300_000);
        assertThat(s.fetchSize()).isEqualTo(1000);
        assertThat(s.timeZone()).isEqualTo(ZoneId.systemDefault());
        assertThat(s.get(ConnectionProperty.ACKS)).contains("all");
        assertThat(s.get(ConnectionProperty.USER)).isEmpty();
        assertThat(s.sslTruststore()).isEmpty();
    }

    @Test
    void propertiesOverrideTheUrl() throws Exception {
        ConnectionSettings s = ConnectionSettings.parse("jdbc:runnel://h?fetch_size=10&acks=0",
                props("fetch_size", "20", "user", "bob"));
        assertThat(s.fetchSize()).isEqualTo(20);
        assertThat(s.get(ConnectionProperty.ACKS)).contains("0");
        assertThat(s.get(ConnectionProperty.USER)).contains("bob");
    }

    @Test
    void valuesAreCanonical() throws Exception {
        ConnectionSettings s = ConnectionSettings.parse("jdbc:runnel://h?ssl=TRUE&acks=ALL&fetch_size=+7&timezone=Z", null);
        assertThat(s.ssl()).isTrue();
        assertThat(s.get(ConnectionProperty.ACKS)).contains("all");
        assertThat(s.fetchSize()).isEqualTo(7);
        assertThat(s.timeZone()).isEqualTo(ZoneId.of("Z"));
    }

    @Test
    void anUnknownPropertyIsNamedWithTheKnownOnes() {
        SQLNonTransientConnectionException e = catchThrowableOfType(SQLNonTransientConnectionException.class,
                () -> ConnectionSettings.parse("jdbc:runnel://h?fetchsize=10", null));
        assertThat(e.getSQLState()).isEqualTo("08001");
        assertThat(e.getMessage()).startsWith("unknown connection property 'fetchsize' in the URL; known properties: user, password, group, acks,")
                .contains("fetch_size");

        e = catchThrowableOfType(SQLNonTransientConnectionException.class,
                () -> ConnectionSettings.parse("jdbc:runnel://h", props("serialization", "json")));
        assertThat(e.getMessage()).startsWith("unknown connection property 'serialization' in the connection Properties");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "acks=2|connection property acks='2' is invalid: expected one of 0, 1, all",
        "ssl=yes|connection property ssl='yes' is invalid: expected true or false",
        "fetch_size=0|connection property fetch_size='0' is invalid: expected an integer from 1",
        "fetch_size=ten|connection property fetch_size='ten' is invalid",
        "fetch_wait_ms=-1|connection property fetch_wait_ms='-1' is invalid: expected an integer from 0",
        "connect_timeout_ms=99999999999|connection property connect_timeout_ms='99999999999' is invalid",
        "timezone=Mars/Olympus|connection property timezone='Mars/Olympus' is invalid: expected a time zone ID",
        "socket_timeout_ms=1500|connection property socket_timeout_ms='1500' is invalid: expected 0 or at least fetch_wait_ms + 1000 = 2000",
        "ssl_truststore=/tmp/t.p12|connection property ssl='false' is invalid: expected true when ssl_truststore is given",
    })
    void invalidValuesAre08001NamingPropertyValueAndExpectation(String property, String message) {
        SQLNonTransientConnectionException e = catchThrowableOfType(SQLNonTransientConnectionException.class,
                () -> ConnectionSettings.parse("jdbc:runnel://h?" + property, null));
        assertThat(e.getSQLState()).isEqualTo("08001");
        assertThat(e.getMessage()).startsWith(message);
    }

    @Test
    void aSocketTimeoutOfZeroMeansNone() throws Exception {
        assertThat(ConnectionSettings.parse("jdbc:runnel://h?socket_timeout_ms=0&fetch_wait_ms=20000", null)
                .socketTimeoutMs()).isZero();
    }

    @Test
    void secretValuesAreNotRepeated() {
        SQLNonTransientConnectionException e = catchThrowableOfType(SQLNonTransientConnectionException.class,
                () -> ConnectionSettings.parse("jdbc:runnel://h", props("password", "x", "ssl", "maybe")));
        assertThat(e.getMessage()).contains("ssl='maybe'");
        assertThat(ConnectionProperty.PASSWORD.secret()).isTrue();
    }

    @Test
    void avaticaSeesTheTimeZoneInAFormItUnderstands() throws Exception {
        assertThat(ConnectionSettings.parse("jdbc:runnel://h?timezone=%2B02:00", null).avaticaProperties())
                .containsEntry("timeZone", "GMT+02:00").containsEntry("fetch_size", "1000");
        assertThat(ConnectionSettings.parse("jdbc:runnel://h?timezone=Europe/Paris&user=u&fetch_size=5", null)
                .avaticaProperties()).containsExactlyInAnyOrderEntriesOf(
                        Map.of("timeZone", "Europe/Paris", "fetch_size", "5", "user", "u"));
    }

    @Test
    void everyPropertyIsDocumented() {
        for (ConnectionProperty p : ConnectionProperty.values()) {
            assertThat(p.key()).matches("[a-z_]+");
            assertThat(p.description()).endsWith(".");
            assertThat(ConnectionProperty.forKey(p.key().toUpperCase())).contains(p);
        }
    }
}
