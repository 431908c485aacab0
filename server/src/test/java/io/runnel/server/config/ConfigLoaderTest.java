package io.runnel.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @Test
    void defaults() {
        ServerConfig c = ConfigLoader.load();
        assertThat(c.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.sqlPort()).isEqualTo(7070);
        assertThat(c.brokerPort()).isEqualTo(7071);
        assertThat(c.flushIntervalMs()).isEqualTo(-1);
        assertThat(c.sql().fetchWaitMs()).isEqualTo(1000);
        assertThat(c.sql().maxFetchWaitMs()).isEqualTo(20_000);
    }

    @Test
    void laterLayersWinAndDashesReadAsUnderscores(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("runnel.properties");
        Files.writeString(file, "sql_port = 9000\nmax-connections = 10\n# a comment\nfetch_wait_ms=500\n");
        ServerConfig c = ConfigLoader.load(ConfigLoader.readFile(file), ConfigLoader.parseOverrides(List.of("sql_port=9100")),
                Map.of("data_dir", "/tmp/x"));
        assertThat(c.sqlPort()).isEqualTo(9100);
        assertThat(c.sql().maxConnections()).isEqualTo(10);
        assertThat(c.sql().fetchWaitMs()).isEqualTo(500);
        assertThat(c.dataDir()).isEqualTo(Path.of("/tmp/x"));
    }

    @Test
    void unknownKeysAndBadValuesAreErrorsNamingThem() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("sql_prot", "1"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'sql_prot'").hasMessageContaining("sql_port");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("sql_port", "seventy"))).hasMessageContaining("sql_port")
                .hasMessageContaining("seventy");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("sql_port", "70000"))).hasMessageContaining("between 0 and 65535");
        assertThatThrownBy(() -> ConfigLoader.parseOverrides(List.of("novalue"))).hasMessageContaining("key=value");
        assertThatThrownBy(() -> ConfigLoader.readFile(Path.of("/nonexistent/runnel.properties")))
                .hasMessageContaining("/nonexistent/runnel.properties");
    }

    @Test
    void clusterSettingsDefaultToASingleNodeWithAnEmbeddedZooKeeper() {
        ServerConfig c = ConfigLoader.load();
        assertThat(c.cluster().embeddedZookeeper()).isTrue();
        assertThat(c.cluster().zookeeperRoot()).isEqualTo("/runnel");
        assertThat(c.cluster().host()).isEqualTo("127.0.0.1");
        assertThat(c.cluster().brokerPort()).isEqualTo(7071);
        assertThat(c.cluster().rack()).isNull();
        assertThat(c.brokerId()).isZero();
        assertThat(c.replicaLagTimeMaxMs()).isEqualTo(10_000);
    }

    @Test
    void clusterSettingsAcceptDottedKeysAndNameServerKeysInErrors() {
        ServerConfig c = ConfigLoader.load(Map.of("zookeeper.connect", "10.0.0.1:2181,10.0.0.2:2181", "broker.id", "3",
                "broker_rack", "eu-1a", "advertised_host", "10.0.0.7", "broker_port", "0", "zookeeper_session_timeout_ms",
                "6000", "replica_lag_time_max_ms", "2000"));
        assertThat(c.cluster().zookeeperConnect()).isEqualTo("10.0.0.1:2181,10.0.0.2:2181");
        assertThat(c.cluster().embeddedZookeeper()).isFalse();
        assertThat(c.brokerId()).isEqualTo(3);
        assertThat(c.cluster().rack()).isEqualTo("eu-1a");
        assertThat(c.cluster().host()).isEqualTo("10.0.0.7");
        assertThat(c.cluster().brokerPort()).isZero();
        assertThat(c.cluster().zookeeperSessionTimeoutMs()).isEqualTo(6000);
        assertThat(c.replicaLagTimeMaxMs()).isEqualTo(2000);
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("zookeeper_session_timeout_ms", "5")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("zookeeper_session_timeout_ms");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("host", "0.0.0.0"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("advertised_host");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("zookeeper_root", "no-slash"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("no-slash");
    }
}
