package io.runnel.server.config;

import io.runnel.engine.group.GroupServiceConfig;
import io.runnel.replication.ClusterConfig;
import io.runnel.sql.SqlLayerConfig;
import java.nio.file.Path;

/**
 * Everything {@code runnel server} is configured with: where it listens, where its data lives, the
 * engine's durability, the HTTP server's and the SQL layer's limits. Built by {@link ConfigLoader}
 * from defaults, a properties file, {@code --set key=value} and the named flags (in that order, the
 * last winning). Every key is documented in {@code docs/operations.md}.
 *
 * <p>Immutable.
 *
 * @param host address the SQL endpoint binds (127.0.0.1 by default: reachable from this machine only)
 * @param sqlPort HTTP port of the SQL endpoint and /metrics; 0 picks a free one
 * @param brokerPort broker-to-broker port (replication and forwarded requests); 0 picks a free one
 * @param brokerId this broker's id, unique in its cluster
 * @param flushIntervalMs -1: fsync when segments roll and on close (the OS writes back); 0: fsync every
 *     batch before acknowledging; N: fsync at most every N ms
 * @param httpMaxThreads most threads serving HTTP requests
 * @param httpMaxQueuedRequests requests waiting for a thread beyond which new ones are refused
 * @param httpIdleTimeoutMs an idle HTTP connection is closed after this long
 * @param maxRequestBytes largest request body accepted (a bigger one fails with 54000)
 * @param replicaLagTimeMaxMs a leader removes from the ISR a follower that was not caught up for this long
 * @param producerIdExpirationMs a partition forgets an idempotent producer this long after its newest batch
 * @param groups consumer groups across the cluster: the offsets topic's partitions and replicas, member
 *     timeout, request timeout
 * @param cluster the broker's cluster settings (ZooKeeper, rack, advertised address, replica fetching); its
 *     broker and SQL ports are the ones above (the SQL port is advertised once bound)
 */
public record ServerConfig(
        Path dataDir,
        String host,
        int sqlPort,
        int brokerPort,
        int brokerId,
        long flushIntervalMs,
        long retentionCheckIntervalMs,
        int httpMaxThreads,
        int httpMaxQueuedRequests,
        long httpIdleTimeoutMs,
        long maxRequestBytes,
        long replicaLagTimeMaxMs,
        long producerIdExpirationMs,
        ClusterConfig cluster,
        SqlLayerConfig sql,
        GroupServiceConfig groups) {}
