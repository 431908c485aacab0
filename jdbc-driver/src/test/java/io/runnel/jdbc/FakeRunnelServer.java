package io.runnel.jdbc;

import java.nio.file.Path;
import org.apache.calcite.avatica.remote.LocalService;
import org.apache.calcite.avatica.server.AvaticaProtobufHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * An Avatica protobuf server on 127.0.0.1 and an ephemeral port, the way the Runnel server
 * serves SQL (Jetty + {@link AvaticaProtobufHandler} + {@link LocalService}), over a
 * {@link FakeServerMeta}.
 */
final class FakeRunnelServer implements AutoCloseable {
    private final FakeServerMeta meta;
    private final Server server;
    private final int port;

    private FakeRunnelServer(FakeServerMeta meta, Server server, int port) {
        this.meta = meta;
        this.server = server;
        this.port = port;
    }

    static FakeRunnelServer start() {
        return start(new FakeServerMeta(), 0);
    }

    /** @param port 0 for an ephemeral port */
    static FakeRunnelServer start(FakeServerMeta meta, int port) {
        return start(meta, port, null);
    }

    /** HTTPS with the PKCS12 {@code keyStore} (password {@code password}). */
    static FakeRunnelServer startTls(Path keyStore, String password) {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStorePath(keyStore.toString());
        tls.setKeyStorePassword(password);
        tls.setKeyStoreType("PKCS12");
        return start(new FakeServerMeta(), 0, tls);
    }

    private static FakeRunnelServer start(FakeServerMeta meta, int port, SslContextFactory.Server tls) {
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("fake-runnel-server");
        Server server = new Server(threads);
        ServerConnector connector = tls == null ? new ServerConnector(server) : new ServerConnector(server, tls);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new AvaticaProtobufHandler(new LocalService(meta)));
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the fake server", e);
        }
        return new FakeRunnelServer(meta, server, connector.getLocalPort());
    }

    FakeServerMeta meta() {
        return meta;
    }

    int port() {
        return port;
    }

    /** {@code jdbc:runnel://127.0.0.1:port} plus {@code suffix} (e.g. {@code "?fetch_size=10"}). */
    String url(String suffix) {
        return "jdbc:runnel://127.0.0.1:" + port + suffix;
    }

    String url() {
        return url("");
    }

    @Override
    public void close() {
        meta.shutdown.countDown();
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the fake server", e);
        }
    }
}
