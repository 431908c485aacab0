package io.runnel.server;

import io.runnel.engine.local.EngineConfig;
import io.runnel.engine.local.LocalEngine;
import io.runnel.server.config.ServerConfig;
import io.runnel.server.http.MetricsWriter;
import io.runnel.server.http.DataPathHandler;
import io.runnel.server.http.SqlEndpointHandler;
import io.runnel.sql.datapath.DataPathService;
import io.runnel.sql.meta.RunnelMeta;
import io.runnel.storage.log.FlushPolicy;
import java.time.Clock;
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
 * One Runnel broker: the engine over the data directory, the SQL layer's Avatica {@code Meta}, and
 * the Jetty server of the SQL port (Avatica protobuf and {@code /metrics}).
 *
 * <p>{@link #close()} stops in the order that loses nothing: end every query (waiting fetches
 * return at once), refuse new requests and finish the ones in flight (Jetty's graceful stop), then
 * close the engine, which flushes and closes every log so that the next start needs no recovery.
 *
 * <p>Thread-safe: start once, close from any thread (the shutdown hook), idempotent.
 */
public final class RunnelServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunnelServer.class);
    private static final long GRACEFUL_STOP_MS = 5_000;

    private final ServerConfig config;
    private final LocalEngine engine;
    private final RunnelMeta meta;
    private final Server jetty;
    private final ServerConnector connector;
    private boolean closed;

    private RunnelServer(ServerConfig config, LocalEngine engine, RunnelMeta meta, Server jetty, ServerConnector connector) {
        this.config = config;
        this.engine = engine;
        this.meta = meta;
        this.jetty = jetty;
        this.connector = connector;
    }

    /** Opens the engine and starts serving; returns once the SQL port accepts connections. */
    public static RunnelServer start(ServerConfig config) throws Exception {
        FlushPolicy flush = config.flushIntervalMs() < 0 ? FlushPolicy.OS
                : config.flushIntervalMs() == 0 ? FlushPolicy.EVERY_BATCH : FlushPolicy.interval(config.flushIntervalMs());
        EngineConfig engineConfig = EngineConfig.defaults(config.dataDir())
                .withBrokerId(config.brokerId())
                .withFlushPolicy(flush)
                .withRetentionCheckIntervalMs(config.retentionCheckIntervalMs());
        long started = System.nanoTime();
        LocalEngine engine = LocalEngine.open(engineConfig, Clock.systemUTC());
        LOG.info("engine open over {} in {} ms", config.dataDir().toAbsolutePath(), (System.nanoTime() - started) / 1_000_000);
        RunnelMeta meta = new RunnelMeta(engine, config.sql(), System::currentTimeMillis);
        Server jetty = null;
        try {
            QueuedThreadPool threads = new QueuedThreadPool(config.httpMaxThreads(), Math.min(8, config.httpMaxThreads()),
                    60_000, new BlockingArrayQueue<>(config.httpMaxQueuedRequests()));
            threads.setName("runnel-http");
            jetty = new Server(threads);
            HttpConfiguration http = new HttpConfiguration();
            http.setSendServerVersion(false);
            ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
            connector.setHost(config.host());
            connector.setPort(config.sqlPort());
            connector.setIdleTimeout(config.httpIdleTimeoutMs());
            jetty.addConnector(connector);
            AvaticaProtobufHandler avatica = new AvaticaProtobufHandler(new LocalService(meta));
            avatica.setServer(jetty);
            jetty.setHandler(new SqlEndpointHandler(avatica, new MetricsWriter(engine, meta), config.maxRequestBytes(),
                    new DataPathHandler(new DataPathService(meta, engine))));
            jetty.setStopTimeout(GRACEFUL_STOP_MS);
            jetty.setStopAtShutdown(false);
            jetty.start();
            return new RunnelServer(config, engine, meta, jetty, connector);
        } catch (Exception | Error e) {
            if (jetty != null) {
                jetty.stop();
            }
            meta.close();
            engine.close();
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
        return engine;
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
        engine.close();
        LOG.info("stopped");
    }
}
