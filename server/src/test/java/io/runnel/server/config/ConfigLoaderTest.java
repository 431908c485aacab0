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
}
