package io.runnel.engine.cluster;

/**
 * A live broker as it registered itself.
 *
 * @param id         the broker id, unique in the cluster
 * @param host       where other brokers and clients reach it
 * @param sqlPort    the SQL (Avatica HTTP) port, for clients
 * @param brokerPort the broker-to-broker (replication) port
 * @param rack       the rack (or availability zone) for replica placement, or {@code null}
 */
public record BrokerInfo(int id, String host, int sqlPort, int brokerPort, String rack) {
    public BrokerInfo {
        if (id < 0) {
            throw new IllegalArgumentException("broker id must not be negative, got " + id);
        }
    }

    @Override
    public String toString() {
        return "broker " + id + " (" + host + ":" + brokerPort + (rack == null ? "" : ", rack " + rack) + ")";
    }
}
