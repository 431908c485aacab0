package io.runnel.server;

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
 * A TCP proxy on 127.0.0.1 in front of one broker's broker port, for network faults between brokers
 * (or in front of its SQL port, between a client and the broker):
 * the broker advertises the proxy's port, so every other broker's connection to it passes here.
 * {@link #cut()} swallows every byte in both directions while keeping connections open (new ones are
 * accepted and swallowed too) — a partition as the peers see it: no FIN, no RST, only timeouts.
 * {@link #heal()} resets the connections open during the cut (their streams lost bytes mid-frame) and
 * lets new ones through.
 *
 * <p>Thread-safe; one daemon thread per direction per connection and one acceptor, ended by {@link #close()}.
 */
final class LinkProxy implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    /** Set by cut(), cleared by heal(); read by the pump threads. */
    private volatile boolean cut;
    /** Set by cutResponses(), cleared by heal(); read by the pump threads. */
    private volatile boolean responsesCut;
    /** Set by close(); read by the acceptor. */
    private volatile boolean closed;

    LinkProxy(int targetPort) throws IOException {
        this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "link-proxy-accept-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    void cut() {
        cut = true;
    }

    /**
     * Swallows only what the target sends back (requests still arrive): a client's request is served but
     * its answer is lost, until {@link #heal()} resets the connection.
     */
    void cutResponses() {
        responsesCut = true;
    }

    void heal() {
        for (Socket s : sockets) {
            closeQuietly(s);
        }
        sockets.clear();
        cut = false;
        responsesCut = false;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                continue; // closed, or a failed accept: the loop condition decides
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(target, 5_000);
            } catch (IOException e) {
                closeQuietly(client); // the broker is down: the peer sees a reset, as without a proxy
                closeQuietly(upstream);
                continue;
            }
            sockets.add(client);
            sockets.add(upstream);
            pump(client, upstream, false);
            pump(upstream, client, true);
        }
    }

    private void pump(Socket from, Socket to, boolean responses) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 << 10];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (!cut && !(responses && responsesCut)) {
                        out.write(buf, 0, n);
                        out.flush();
                    }
                }
                if (!cut && !responsesCut) {
                    closeQuietly(to); // during a cut not even a FIN passes: heal() resets both sides
                }
            } catch (IOException e) {
                if (!cut && !responsesCut) {
                    closeQuietly(to);
                }
            }
        }, "link-proxy-" + port());
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        heal();
    }
}
