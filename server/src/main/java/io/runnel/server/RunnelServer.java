package io.runnel.server;

import io.runnel.engine.local.EngineConfig;
import io.runnel.engine.local.LocalEngine;
import io.runnel.replication.ClusterBroker;
import io.runnel.replication.ClusterConfig;
import io.runnel.server.config.ServerConfig;
import io.runnel.server.http.MetricsWriter;
import io.runnel.server.http.DataPathHandler;
import io.runnel.server.http.SqlEndpointHandler;
import io.runnel.sql.datapath.DataPathService;
import io.runnel.sql.meta.RunnelMeta;
import io.runnel.storage.log.FlushPolicy;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.apache.calcite.avatica.remote.LocalService;
import org.apache.calcite.avatica.server.AvaticaProtobufHandler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.BlockingArrayQueue;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Runnel broker: a {@link ClusterBroker} over the data directory (ZooKeeper metadata — an embedded
 * server in {@code <data>/zookeeper} unless {@code zookeeper_connect} names an ensemble — the engine,
 * the broker port, replication), the SQL layer's Avatica {@code Meta} over its engine, and the Jetty
 * server of the SQL port (Avatica protobuf and {@code /metrics}). A single node is a one-broker
 * cluster: one code path (DESIGN.md §7).
 *
 * <p>Start: the SQL port is bound first (so that an ephemeral one is known and advertised in the
 * broker's registration), then the broker starts, then Jetty serves.
 *
 * <p>{@link #close()} stops in the order that loses nothing: end every query (waiting fetches
 * return at once), refuse new requests and finish the ones in flight (Jetty's graceful stop), then
 * close the broker: its controlled shutdown moves leadership to other in-sync replicas first, then the
 * engine flushes and closes every log so that the next start needs no recovery.
 *
 * <p>Thread-safe: start once, close from any thread (the shutdown hook), idempotent.
 */
public final class RunnelServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunnelServer.class);
    private static final long GRACEFUL_STOP_MS = 5_000;

    private final ServerConfig config;
    private final ClusterBroker broker;
    private final RunnelMeta meta;
    private final Server jetty;
    private final ServerConnector connector;
    private final long startMs;
    private boolean closed;

    private RunnelServer(ServerConfig config, ClusterBroker broker, RunnelMeta meta, Server jetty, ServerConnector connector,
            long startMs) {
        this.config = config;
        this.broker = broker;
        this.meta = meta;
        this.jetty = jetty;
        this.connector = connector;
        this.startMs = startMs;
    }

    /** Starts the broker and serves; returns once the SQL port accepts connections. */
    public static RunnelServer start(ServerConfig config) throws Exception {
        long started = System.nanoTime();
        FlushPolicy flush = config.flushIntervalMs() < 0 ? FlushPolicy.OS
                : config.flushIntervalMs() == 0 ? FlushPolicy.EVERY_BATCH : FlushPolicy.interval(config.flushIntervalMs());
        EngineConfig engineConfig = EngineConfig.defaults(config.dataDir())
                .withBrokerId(config.brokerId())
                .withFlushPolicy(flush)
                .withRetentionCheckIntervalMs(config.retentionCheckIntervalMs())
                .withReplicaLagTimeMaxMs(config.replicaLagTimeMaxMs())
                .withProducerIdExpirationMs(config.producerIdExpirationMs());
        QueuedThreadPool threads = new QueuedThreadPool(config.httpMaxThreads(), Math.min(8, config.httpMaxThreads()),
                60_000, new BlockingArrayQueue<>(config.httpMaxQueuedRequests()));
        threads.setName("runnel-http");
        Server jetty = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost(config.host());
        connector.setPort(config.sqlPort());
        connector.setIdleTimeout(config.httpIdleTimeoutMs());
        jetty.addConnector(connector);
        ClusterBroker broker = null;
        RunnelMeta meta = null;
        try {
            connector.open(); // binds now: the broker advertises the SQL port actually bound
            ClusterConfig cluster = config.cluster().withSqlPort(connector.getLocalPort());
            broker = ClusterBroker.start(engineConfig, cluster, config.groups(), Clock.systemUTC());
            LocalEngine engine = broker.localEngine();
            meta = new RunnelMeta(engine, config.sql(), System::currentTimeMillis, broker.groups());
            AvaticaProtobufHandler avatica = new AvaticaProtobufHandler(new LocalService(meta));
            avatica.setServer(jetty);
            jetty.setHandler(new SqlEndpointHandler(avatica, new MetricsWriter(engine, meta), config.maxRequestBytes(),
                    new DataPathHandler(new DataPathService(meta, engine))));
            jetty.setStopTimeout(GRACEFUL_STOP_MS);
            jetty.setStopAtShutdown(false);
            jetty.start();
            long startMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            LOG.info("broker {} serving SQL on {}:{} and the broker port {} in {} ms (data {}, ZooKeeper {})", config.brokerId(),
                    config.host(), connector.getLocalPort(), broker.brokerPort(), startMs, config.dataDir().toAbsolutePath(),
                    cluster.embeddedZookeeper() ? "embedded " + broker.zookeeperConnect() : cluster.zookeeperConnect());
            return new RunnelServer(config, broker, meta, jetty, connector, startMs);
        } catch (Exception | Error e) {
            try {
                jetty.stop();
            } catch (Exception stop) {
                e.addSuppressed(stop);
            }
            connector.close();
            if (meta != null) {
                meta.close();
            }
            if (broker != null) {
                broker.close();
            }
            throw e;
        }
    }

    /** The port the SQL endpoint listens on (the chosen one when configured as 0). */
    public int port() {
        return connector.getLocalPort();
    }

    public String host() {
        return config.host();
    }

    /** The JDBC URL of this server. */
    public String jdbcUrl() {
        return "jdbc:runnel://" + config.host() + ":" + port();
    }

    public RunnelMeta meta() {
        return meta;
    }

    public LocalEngine engine() {
        return broker.localEngine();
    }

    /** The cluster broker under this server (its id, broker port, metadata image). */
    public ClusterBroker broker() {
        return broker;
    }

    /** The broker port bound (the configured one, or the ephemeral one chosen). */
    public int brokerPort() {
        return broker.brokerPort();
    }

    /** How long {@link #start} took, from its call to serving. */
    public long startMs() {
        return startMs;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("stopping");
        // Queries first: their waiting fetches return at once (57014) instead of holding the
        // graceful stop for up to fetch_wait_ms; requests in flight (an INSERT) then finish.
        meta.close();
        try {
            jetty.stop();
        } catch (Exception e) {
            LOG.warn("stopping the HTTP server failed", e);
        }
        broker.close();
        LOG.info("stopped");
    }
}
