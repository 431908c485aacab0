package io.runnel.bench.suite.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * A TCP port on 127.0.0.1 that was free a moment ago, for a server that cannot be told to pick
 * its own (Kafka's KRaft controller must know its port before it starts). Another process could
 * take it in between; the broker then fails to bind and the suite reports it.
 */
public final class FreePort {
    private FreePort() {}

    public static int pick() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    /** Two distinct free ports. */
    public static int[] pickTwo() {
        int a = pick();
        int b;
        do {
            b = pick();
        } while (b == a);
        return new int[] {a, b};
    }
}
