package io.runnel.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DriverUrlTest {
    @Test
    void oneHostWithPort() throws SQLException {
        DriverUrl url = DriverUrl.parse("jdbc:runnel://db.example.com:7171");
        assertThat(url.hosts()).containsExactly(new HostAndPort("db.example.com", 7171));
        assertThat(url.properties()).isEmpty();
    }

    @Test
    void thePortDefaultsTo7070() throws SQLException {
        assertThat(DriverUrl.parse("jdbc:runnel://localhost").hosts()).containsExactly(new HostAndPort("localhost", 7070));
        assertThat(DriverUrl.parse("jdbc:runnel://localhost/").hosts()).containsExactly(new HostAndPort("localhost", 7070));
    }

    @Test
    void severalHostsInOrder() throws SQLException {
        DriverUrl url = DriverUrl.parse("jdbc:runnel://a:1,b,[::1]:3,[fe80::1%25eth0],10.0.0.4:7075/?acks=1");
        assertThat(url.hosts()).containsExactly(new HostAndPort("a", 1), new HostAndPort("b", 7070),
                new HostAndPort("::1", 3), new HostAndPort("fe80::1%25eth0", 7070), new HostAndPort("10.0.0.4", 7075));
        assertThat(url.hostsUrl()).isEqualTo("jdbc:runnel://a:1,b:7070,[::1]:3,[fe80::1%25eth0]:7070,10.0.0.4:7075");
        assertThat(url.properties()).containsExactly(Map.entry("acks", "1"));
    }

    @Test
    void propertiesAfterQuestionMarkOrSemicolonSeparatedEitherWay() throws SQLException {
        Map<String, String> expected = Map.of("user", "u", "fetch_size", "10", "acks", "all");
        assertThat(DriverUrl.parse("jdbc:runnel://h:1?user=u&fetch_size=10&acks=all").properties()).isEqualTo(expected);
        assertThat(DriverUrl.parse("jdbc:runnel://h:1;user=u;fetch_size=10;acks=all").properties()).isEqualTo(expected);
        assertThat(DriverUrl.parse("jdbc:runnel://h:1/?user=u;fetch_size=10&acks=all;").properties()).isEqualTo(expected);
        assertThat(DriverUrl.parse("jdbc:runnel://h:1/;user=u&&fetch_size=10;;acks=all").properties()).isEqualTo(expected);
    }

    @Test
    void keysAreCaseInsensitiveAndValuesPercentDecoded() throws SQLException {
        DriverUrl url = DriverUrl.parse("jdbc:runnel://h?USER=J%C3%BCrgen&password=a%26b%3Dc+d%25&group=");
        assertThat(url.properties()).containsExactly(Map.entry("user", "Jürgen"), Map.entry("password", "a&b=c+d%"),
                Map.entry("group", ""));
    }

    @Test
    void aPropertyGivenTwiceWithTheSameValueIsFine() throws SQLException {
        assertThat(DriverUrl.parse("jdbc:runnel://h?acks=1&acks=1").properties()).containsExactly(Map.entry("acks", "1"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "jdbc:runnel:localhost:7070|expected // after jdbc:runnel:",
        "jdbc:runnel://|no host",
        "jdbc:runnel:///?acks=1|no host",
        "jdbc:runnel://h:1,,h:2|empty host in ''",
        "jdbc:runnel://h:|port '' of host h is not a number",
        "jdbc:runnel://h:abc|port 'abc' of host h is not a number",
        "jdbc:runnel://h:0|port 0 of host h is not in 1..65535",
        "jdbc:runnel://h:65536|port 65536 of host h is not in 1..65535",
        "jdbc:runnel://h:123456|port '123456' of host h is not a number",
        "jdbc:runnel://::1:7070|write IPv6 addresses in brackets",
        "jdbc:runnel://[::1|unterminated IPv6 address",
        "jdbc:runnel://[::1]x|unexpected 'x' after IPv6 address",
        "jdbc:runnel://h/orders|unexpected path '/orders'",
        "jdbc:runnel://alice:pw@h|user information before the host is not supported",
        "jdbc:runnel://h?ssl|property 'ssl' has no value (write ssl=value)",
        "jdbc:runnel://h?=1|a property without a name",
        "jdbc:runnel://h?acks=1&acks=all|property 'acks' is given twice with different values",
        "jdbc:runnel://h?user=%zz|bad percent-escape in '%zz'",
        "jdbc:runnel://h?user=%4|bad percent-escape",
    })
    void malformedUrlsAre08001NamingTheProblem(String url, String problem) {
        SQLNonTransientConnectionException e = catchThrowableOfType(SQLNonTransientConnectionException.class,
                () -> DriverUrl.parse(url));
        assertThat(e.getSQLState()).isEqualTo("08001");
        assertThat(e.getMessage()).startsWith("invalid Runnel URL '" + url + "': ").contains(problem);
    }

    @Test
    void passwordsAreNotRepeatedInErrors() {
        SQLException e = catchThrowableOfType(SQLException.class,
                () -> DriverUrl.parse("jdbc:runnel://h/x?password=hunter2&ssl_truststore_password=pw2"));
        assertThat(e.getMessage()).doesNotContain("hunter2").doesNotContain("pw2")
                .contains("password=***&ssl_truststore_password=***");
    }

    @Test
    void hostAndPortPrintsIpv6InBrackets() {
        assertThat(new HostAndPort("::1", 7070)).hasToString("[::1]:7070");
        assertThat(new HostAndPort("::1", 7070).endpoint(true)).hasToString("https://[::1]:7070/");
        assertThat(List.of(new HostAndPort("h", 1).endpoint(false))).hasToString("[http://h:1/]");
    }
}
