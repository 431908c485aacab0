package io.runnel.engine.group;

import io.runnel.engine.TopicInfo;
import io.runnel.engine.group.GroupResponse.MemberState;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member of a consumer group as its own broker sees it: the client side of a {@link GroupMember} that
 * lives at the group's coordinator, possibly on another broker. Created by {@link GroupService#join}.
 *
 * <p>It keeps a heartbeat outstanding at the coordinator (answered when the member's assignment changes,
 * or after {@link GroupServiceConfig#heartbeatWaitMs()}), and calls its listener (on the service's
 * notifier thread) whenever the assignment it holds changed. When the coordinator fails or moves — a
 * heartbeat fails with NOT_COORDINATOR, UNKNOWN_MEMBER or an unreachable broker — the member <em>loses</em>
 * every partition at once (the listener sees an empty assignment: nothing more is delivered, nothing is
 * committed, the rows since the last commit are read again by whoever owns the partition next) and joins
 * the group's coordinator again, found anew, until it succeeds or leaves. To its reader that is an
 * ordinary rebalance.
 *
 * <p>Thread-safe: state is guarded by this object's monitor.
 */
public final class GroupSession {
    private static final Logger LOG = LoggerFactory.getLogger(GroupSession.class);
    static final long REJOIN_BACKOFF_MS = 200;
    static final long MAX_REJOIN_BACKOFF_MS = 1_000;

    /**
     * What the member may read now.
     *
     * @param committed the group's committed offset of owned partitions that have one, as the coordinator
     *     knew it when it answered
     */
    public record Assignment(Set<Integer> owned, Set<Integer> revoking, boolean active, Map<Integer, Long> committed) {}

    private final GroupService service;
    private final String group;
    private final TopicInfo topic;
    private final String memberId;
    private final Runnable listener;
    /** @GuardedBy("this") */
    private MemberState state = new MemberState(-1, Set.of(), Set.of(), Map.of());
    /** @GuardedBy("this") */
    private boolean left;
    /** Joins since the start (1 after the first); @GuardedBy("this"). */
    private int joins;

    GroupSession(GroupService service, String group, TopicInfo topic, String memberId, Runnable listener) {
        this.service = service;
        this.group = group;
        this.topic = topic;
        this.memberId = memberId;
        this.listener = listener;
    }

    public String group() {
        return group;
    }

    public TopicInfo topic() {
        return topic;
    }

    public String memberId() {
        return memberId;
    }

    /** A consistent copy of the state. */
    public synchronized Assignment assignment() {
        return new Assignment(state.owned(), state.revoking(), !left, state.committed());
    }

    /** How many times it joined (1 when the coordinator never moved); for tests and logs. */
    public synchronized int joins() {
        return joins;
    }

    /** The first join, synchronous: its errors (an unknown topic, no coordinator within the timeout) are the caller's. */
    void start() {
        MemberState s = (MemberState) service.call(group, new GroupRequest.Join(group, topic.name(), topic.topicId(), memberId));
        synchronized (this) {
            joins++;
        }
        apply(s);
        heartbeat();
    }

    /**
     * Gives partitions back to the coordinator (after committing revoked ones). A failure means the
     * coordinator no longer knows the member: it loses everything and joins again.
     */
    public void release(Collection<Integer> partitions) {
        synchronized (this) {
            if (left || partitions.isEmpty()) {
                return;
            }
        }
        try {
            apply((MemberState) service.call(group, new GroupRequest.Release(group, topic.name(), topic.topicId(), memberId,
                    List.copyOf(partitions))));
        } catch (RuntimeException e) {
            LOG.info("{}: releasing {} failed ({}); it joins again", this, partitions, e.getMessage());
            lose();
        }
    }

    /** Leaves the group (the query ended): its partitions go to the other members. Idempotent. */
    public void leave() {
        synchronized (this) {
            if (left) {
                return;
            }
            left = true;
            state = new MemberState(state.version(), Set.of(), Set.of(), Map.of());
        }
        service.untrack(this);
        service.send(group, new GroupRequest.Leave(group, topic.name(), topic.topicId(), memberId))
                .orTimeout(service.config().requestTimeoutMs(), TimeUnit.MILLISECONDS)
                .whenComplete((r, e) -> {
                    if (e != null) {
                        // The coordinator expires it after group_member_timeout_ms instead.
                        LOG.debug("{}: leave failed: {}", this, e.toString());
                    }
                });
    }

    synchronized boolean hasLeft() {
        return left;
    }

    private void heartbeat() {
        long version;
        synchronized (this) {
            if (left) {
                return;
            }
            version = state.version();
        }
        long waitMs = service.config().heartbeatWaitMs();
        CompletableFuture<GroupResponse> f;
        try {
            f = service.send(group, new GroupRequest.Heartbeat(group, topic.name(), topic.topicId(), memberId, version, waitMs));
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.orTimeout(waitMs + service.config().memberTimeoutMs(), TimeUnit.MILLISECONDS)
                .whenCompleteAsync((r, e) -> {
                    if (hasLeft()) {
                        return;
                    }
                    if (e == null) {
                        apply((MemberState) r);
                        heartbeat();
                    } else {
                        LOG.info("{}: heartbeat failed ({}); it joins the group's coordinator again", this,
                                GroupService.unwrap(e).toString());
                        lose();
                        rejoin(REJOIN_BACKOFF_MS);
                    }
                }, service.callbacks());
    }

    private void rejoin(long backoffMs) {
        service.schedule(() -> {
            if (hasLeft()) {
                return;
            }
            CompletableFuture<GroupResponse> f;
            try {
                f = service.send(group, new GroupRequest.Join(group, topic.name(), topic.topicId(), memberId));
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            f.orTimeout(service.config().requestTimeoutMs(), TimeUnit.MILLISECONDS).whenCompleteAsync((r, e) -> {
                if (hasLeft()) {
                    if (e == null) {
                        // Joined while leaving: leave there too.
                        service.send(group, new GroupRequest.Leave(group, topic.name(), topic.topicId(), memberId));
                    }
                    return;
                }
                if (e == null) {
                    synchronized (this) {
                        joins++;
                    }
                    LOG.info("{} joined again", this);
                    apply((MemberState) r);
                    heartbeat();
                } else {
                    LOG.debug("{}: joining again failed ({}); retrying", this, GroupService.unwrap(e).toString());
                    rejoin(Math.min(MAX_REJOIN_BACKOFF_MS, backoffMs * 2));
                }
            }, service.callbacks());
        }, backoffMs);
    }

    /** Adopts the coordinator's answer; the listener runs when what the member may read changed. */
    private void apply(MemberState s) {
        boolean changed;
        synchronized (this) {
            if (left) {
                return;
            }
            changed = !s.owned().equals(state.owned()) || !s.revoking().equals(state.revoking());
            state = s;
        }
        if (changed) {
            service.notify(listener);
        }
    }

    /** The coordinator is gone or forgot the member: nothing is owned any more. */
    private void lose() {
        boolean changed;
        synchronized (this) {
            if (left) {
                return;
            }
            changed = !state.owned().isEmpty();
            state = new MemberState(-1, Set.of(), Set.of(), Map.of());
        }
        if (changed) {
            service.notify(listener);
        }
    }

    @Override
    public String toString() {
        return "member " + memberId + " of group " + group + " on topic " + topic.name();
    }
}
