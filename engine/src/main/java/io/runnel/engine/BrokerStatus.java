package io.runnel.engine;

/**
 * One live broker of the cluster, for {@code sys.brokers}.
 *
 * @param brokerId         the broker id
 * @param host             where other brokers and clients reach it (advertised)
 * @param sqlPort          its SQL (JDBC) port
 * @param brokerPort       its broker-to-broker port
 * @param rack             its rack or zone, or {@code null}
 * @param leaderPartitions partitions it leads now
 * @param replicas         partition replicas assigned to it
 */
public record BrokerStatus(int brokerId, String host, int sqlPort, int brokerPort, String rack, int leaderPartitions,
        int replicas) {}
