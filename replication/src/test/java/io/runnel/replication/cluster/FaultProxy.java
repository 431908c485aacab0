package io.runnel.replication.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on 127.0.0.1 between a client and a server, for fault injection: {@link #freeze()} makes
 * it swallow every byte in both directions while keeping the connections open — what a dead or
 * partitioned peer looks like (no FIN, no RST: the other side notices only by its timeouts).
 *
 * <p>Thread-safe; one thread per direction per connection, all daemons, all ended by {@link #close()}.
 */
final class FaultProxy implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    /** Set by freeze(); read by the pump threads. */
    private volatile boolean frozen;
    private volatile boolean closed;

    FaultProxy(String targetHost, int targetPort) throws IOException {
        this.target = new InetSocketAddress(targetHost, targetPort);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "fault-proxy-accept-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    String address() {
        return "127.0.0.1:" + port();
    }

    /** From now on nothing passes, in either direction, on any connection (new ones included). */
    void freeze() {
        frozen = true;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                upstream.connect(target, 5_000);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                if (!closed) {
                    continue;
                }
                return;
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 << 10];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (!frozen) {
                        out.write(buf, 0, n);
                        out.flush();
                    }
                }
                if (!frozen) {
                    to.shutdownOutput();
                }
            } catch (IOException e) {
                // The connection ended.
            }
        }, "fault-proxy-" + port());
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // Closing anyway.
        }
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // Closing anyway.
            }
        }
    }
}
