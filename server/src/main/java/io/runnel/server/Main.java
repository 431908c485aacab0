package io.runnel.server;

import io.runnel.server.config.ConfigException;
import io.runnel.server.config.ConfigLoader;
import io.runnel.server.config.ServerConfig;
import io.runnel.sql.RunnelVersion;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code runnel} command. {@code runnel server} starts one broker and prints exactly one line to
 * standard output when it serves — {@code Runnel <version> ready: jdbc:runnel://<host>:<port>} —
 * which tools and the benchmark suite wait for; everything else (logs) goes to standard error.
 * SIGTERM and Ctrl-C stop it cleanly.
 */
@Command(name = "runnel", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Runnel: a streaming database with SQL and JDBC as its interface.",
        subcommands = {Main.ServerCommand.class})
public final class Main implements Callable<Integer> {
    /** The exit status of a configuration error. */
    static final int CONFIG_ERROR = 2;

    @Override
    public Integer call() {
        CommandLine.usage(this, System.err);
        return CONFIG_ERROR;
    }

    public static void main(String[] args) {
        int status = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** {@code runnel --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {RunnelVersion.PRODUCT_NAME + " " + RunnelVersion.version()};
        }
    }

    /** {@code runnel server}: one broker, until SIGTERM or Ctrl-C. */
    @Command(name = "server", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "Start one Runnel broker with its SQL endpoint (JDBC over HTTP) and /metrics.")
    static final class ServerCommand implements Callable<Integer> {
        @Option(names = "--config", paramLabel = "FILE", description = "Properties file of configuration keys (docs/operations.md).")
        Path configFile;

        @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default: ./data).")
        String dataDir;

        @Option(names = "--host", description = "Address the SQL endpoint binds (default: 127.0.0.1).")
        String host;

        @Option(names = "--sql-port", description = "SQL endpoint port; 0 picks a free one (default: 7070).")
        Integer sqlPort;

        @Option(names = "--broker-port", description = "Broker-to-broker port (replication, forwarded requests); 0 picks a free one "
                + "(default: 7071).")
        Integer brokerPort;

        @Option(names = "--broker-id", description = "This broker's id, unique in its cluster (default: 0).")
        Integer brokerId;

        @Option(names = "--zookeeper-connect", paramLabel = "HOST:PORT[,HOST:PORT...][/CHROOT]",
                description = "ZooKeeper ensemble of a cluster (default: an embedded ZooKeeper in <data-dir>/zookeeper, single node).")
        String zookeeperConnect;

        @Option(names = "--rack", description = "Rack or zone of this broker, for rack-aware replica placement (default: none).")
        String rack;

        @Option(names = "--advertised-host", description = "Address other brokers and clients reach this broker at (default: --host).")
        String advertisedHost;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set a configuration key (repeatable).")
        List<String> settings = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            ServerConfig config;
            try {
                Map<String, String> flags = new LinkedHashMap<>();
                if (dataDir != null) {
                    flags.put("data_dir", dataDir);
                }
                if (host != null) {
                    flags.put("host", host);
                }
                if (sqlPort != null) {
                    flags.put("sql_port", sqlPort.toString());
                }
                if (brokerPort != null) {
                    flags.put("broker_port", brokerPort.toString());
                }
                if (brokerId != null) {
                    flags.put("broker_id", brokerId.toString());
                }
                if (zookeeperConnect != null) {
                    flags.put("zookeeper_connect", zookeeperConnect);
                }
                if (rack != null) {
                    flags.put("broker_rack", rack);
                }
                if (advertisedHost != null) {
                    flags.put("advertised_host", advertisedHost);
                }
                Map<String, String> file = configFile == null ? Map.of() : ConfigLoader.readFile(configFile);
                config = ConfigLoader.load(file, ConfigLoader.parseOverrides(settings), flags);
            } catch (ConfigException e) {
                System.err.println("runnel server: " + e.getMessage());
                return CONFIG_ERROR;
            }
            RunnelServer server = RunnelServer.start(config);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "runnel-shutdown"));
            PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
            out.println(RunnelVersion.PRODUCT_NAME + " " + RunnelVersion.version() + " ready: " + server.jdbcUrl());
            stopped.await();
            return 0;
        }
    }
}
