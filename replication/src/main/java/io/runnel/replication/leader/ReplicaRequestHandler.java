package io.runnel.replication.leader;

import io.runnel.engine.ProduceResult;
import io.runnel.engine.cluster.BrokerTransport.ForwardedProduce;
import io.runnel.engine.cluster.BrokerTransport.OffsetsRequest;
import io.runnel.engine.cluster.BrokerTransport.PartitionOffsets;
import io.runnel.engine.cluster.BrokerTransport.RemoteRead;
import io.runnel.engine.cluster.BrokerTransport.RemoteReadRequest;
import io.runnel.engine.group.GroupRequest;
import io.runnel.engine.group.GroupResponse;
import io.runnel.engine.group.GroupService;
import io.runnel.engine.group.NotCoordinatorException;
import io.runnel.engine.local.LocalEngine;
import io.runnel.engine.partition.Partition;
import io.runnel.engine.partition.ReplicaError;
import io.runnel.replication.protocol.EpochRequest;
import io.runnel.replication.protocol.EpochResponse;
import io.runnel.replication.protocol.FetchRequest;
import io.runnel.replication.protocol.FetchResponse;
import io.runnel.replication.protocol.Records;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The leader side of every broker-to-broker request, mapped onto the local engine: followers' FETCH
 * and OFFSETS_FOR_LEADER_EPOCH, and the PRODUCE, READ and LIST_OFFSETS other brokers forward. Used by
 * the Netty server, the in-process transport and the simulation alike.
 *
 * <p>A FETCH that finds nothing new waits (long-poll) until any of its partitions publishes more, or
 * {@code maxWaitMs} passes; the waits are released either way.
 *
 * <p>Thread-safe.
 */
public final class ReplicaRequestHandler {
    private final LocalEngine engine;
    private final ScheduledExecutorService timer;
    /** The broker's consumer groups, or null when it runs none (simulations). */
    private final GroupService groups;

    /**
     * @param timer ends long-polls at their deadline (its tasks are short: they only complete futures)
     */
    public ReplicaRequestHandler(LocalEngine engine, ScheduledExecutorService timer) {
        this(engine, timer, null);
    }

    /**
     * @param groups the broker's consumer groups, answering the coordinator requests of other brokers
     */
    public ReplicaRequestHandler(LocalEngine engine, ScheduledExecutorService timer, GroupService groups) {
        this.engine = engine;
        this.timer = timer;
        this.groups = groups;
    }

    /** A consumer-group request for a group this broker coordinates (JOIN_GROUP .. DESCRIBE_GROUPS). */
    public CompletableFuture<GroupResponse> group(GroupRequest request) {
        if (groups == null) {
            return CompletableFuture.failedFuture(new NotCoordinatorException("broker " + engine.brokerId()
                    + " runs no consumer groups"));
        }
        return groups.handle(request);
    }

    public LocalEngine engine() {
        return engine;
    }

    /** One pass over a FETCH: each partition's position is recorded and its batches returned, without waiting. */
    public FetchResponse fetchNow(FetchRequest request) {
        List<FetchResponse.Partition> out = new ArrayList<>(request.partitions().size());
        long budget = request.maxBytes();
        for (FetchRequest.Partition p : request.partitions()) {
            Partition replica = engine.replica(p.topic(), p.topicId(), p.partition());
            if (replica == null) {
                out.add(new FetchResponse.Partition(p.topic(), p.partition(), ReplicaError.UNKNOWN_PARTITION, -1, -1, -1,
                        Records.EMPTY));
                continue;
            }
            int maxBytes = (int) Math.max(0, Math.min(p.maxBytes(), budget));
            Partition.FollowerFetch r = replica.handleFollowerFetch(request.replicaId(), p.currentLeaderEpoch(),
                    p.fetchOffset(), maxBytes);
            Records records = Records.of(r.records());
            budget -= records.sizeInBytes();
            out.add(new FetchResponse.Partition(p.topic(), p.partition(), r.error(), r.highWatermark(), r.logStartOffset(),
                    r.logEndOffset(), records));
        }
        return new FetchResponse(out);
    }

    /**
     * A FETCH with long-poll: answered at once when any partition has batches or an error, else when
     * one publishes more, or at {@code maxWaitMs}.
     */
    public CompletableFuture<FetchResponse> fetch(FetchRequest request) {
        FetchResponse now = fetchNow(request);
        if (request.maxWaitMs() <= 0 || hasNews(now)) {
            return CompletableFuture.completedFuture(now);
        }
        List<Partition> waited = new ArrayList<>();
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        for (FetchRequest.Partition p : request.partitions()) {
            Partition replica = engine.replica(p.topic(), p.topicId(), p.partition());
            if (replica != null) {
                waited.add(replica);
                waits.add(replica.awaitPublishedEnd(p.fetchOffset()));
            }
        }
        CompletableFuture<FetchResponse> result = new CompletableFuture<>();
        AtomicBoolean answered = new AtomicBoolean();
        Runnable answer = () -> {
            if (answered.compareAndSet(false, true)) {
                for (int i = 0; i < waited.size(); i++) {
                    waited.get(i).cancelWait(waits.get(i));
                }
                try {
                    result.complete(fetchNow(request));
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            }
        };
        var timeout = timer.schedule(answer, request.maxWaitMs(), TimeUnit.MILLISECONDS);
        for (CompletableFuture<Void> w : waits) {
            // Answer on the timer thread, not on the producer's thread that published.
            w.whenComplete((v, e) -> {
                if (!answered.get()) {
                    timeout.cancel(false);
                    timer.execute(answer);
                }
            });
        }
        return result;
    }

    private static boolean hasNews(FetchResponse response) {
        for (FetchResponse.Partition p : response.partitions()) {
            if (p.error() != ReplicaError.NONE || p.records().sizeInBytes() > 0) {
                return true;
            }
        }
        return false;
    }

    /** OFFSETS_FOR_LEADER_EPOCH. */
    public EpochResponse offsetsForLeaderEpoch(EpochRequest request) {
        List<EpochResponse.Partition> out = new ArrayList<>(request.partitions().size());
        for (EpochRequest.Partition p : request.partitions()) {
            Partition replica = engine.replica(p.topic(), p.topicId(), p.partition());
            if (replica == null) {
                out.add(new EpochResponse.Partition(p.topic(), p.partition(), ReplicaError.UNKNOWN_PARTITION, -1, -1));
                continue;
            }
            Partition.EpochAnswer a = replica.endOffsetForEpoch(p.currentLeaderEpoch(), p.leaderEpoch());
            out.add(new EpochResponse.Partition(p.topic(), p.partition(), a.error(), a.epoch(), a.endOffset()));
        }
        return new EpochResponse(out);
    }

    public CompletableFuture<ProduceResult> produce(ForwardedProduce request) {
        return engine.produceAsLeader(request);
    }

    public CompletableFuture<RemoteRead> read(RemoteReadRequest request) {
        return engine.readAsLeader(request);
    }

    public PartitionOffsets offsets(OffsetsRequest request) {
        return engine.offsetsAsLeader(request);
    }
}
