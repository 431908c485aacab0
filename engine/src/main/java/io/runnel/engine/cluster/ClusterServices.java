package io.runnel.engine.cluster;

import java.util.Objects;

/**
 * What a cluster broker's engine is built with: its metadata, the way to other brokers, and the
 * follower fetchers. {@link #standalone} is a one-broker cluster over the file catalog.
 */
public record ClusterServices(ClusterMetadata metadata, BrokerTransport transport, ReplicaFetchers fetchers) {
    public ClusterServices {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(fetchers, "fetchers");
    }
}
