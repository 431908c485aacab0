package io.runnel.engine.group;

import io.runnel.engine.Engine;
import io.runnel.engine.EngineException;
import io.runnel.engine.PartitionStatus;
import io.runnel.engine.SqlStates;
import io.runnel.engine.TopicInfo;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer-group coordinator of a broker: membership, sticky assignment and committed offsets
 * (DESIGN.md §6, design note 0009).
 *
 * <p>A group is tracked per topic: the members reading one topic with one group share its
 * partitions ({@link StickyAssignor}). Every join or leave rebalances at once; partitions move by
 * the cooperative protocol of {@link GroupMember} (revoke, the old member commits and releases, then
 * grant), so a partition is never owned by two members and never left without one while a member
 * exists. Committed offsets live in {@link OffsetStore}, which works through the {@link Engine}
 * interface only, so it runs on any engine that can create internal topics.
 *
 * <p>Listeners run on one notifier thread, in order, never under the coordinator's monitor; a
 * listener may call back into the coordinator (release, commit).
 *
 * <p>Thread-safe: membership state is guarded by this object's monitor.
 */
public final class GroupCoordinator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCoordinator.class);

    private final Engine engine;
    private final OffsetStore offsets;
    private final Clock clock;
    private final ExecutorService notifier;
    /** @GuardedBy("this") */
    private final Map<GroupTopicKey, GroupTopic> groups = new LinkedHashMap<>();

    private record GroupTopicKey(String group, UUID topicId) {}

    /** The members of one group on one topic and who owns what. All fields @GuardedBy(coordinator). */
    private static final class GroupTopic {
        final String group;
        TopicInfo topic;
        final LinkedHashMap<String, GroupMember> members = new LinkedHashMap<>();
        /** The assignment the members converge to. */
        Map<String, TreeSet<Integer>> target = new LinkedHashMap<>();
        /** partition → the member owning it now (granted, not yet released). */
        final Map<Integer, GroupMember> owners = new HashMap<>();

        GroupTopic(String group, TopicInfo topic) {
            this.group = group;
            this.topic = topic;
        }

        GroupMember targetOwner(int partition) {
            for (Map.Entry<String, TreeSet<Integer>> e : target.entrySet()) {
                if (e.getValue().contains(partition)) {
                    return members.get(e.getKey());
                }
            }
            return null;
        }
    }

    private GroupCoordinator(Engine engine, OffsetStore offsets, Clock clock) {
        this.engine = engine;
        this.offsets = offsets;
        this.clock = clock;
        this.notifier = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "runnel-group-notifier");
            t.setDaemon(true);
            return t;
        });
    }

    /** Opens the offset store (creating and replaying {@value OffsetStore#TOPIC}) and starts the coordinator. */
    public static GroupCoordinator open(Engine engine, OffsetStoreConfig config, Clock clock) {
        return new GroupCoordinator(engine, OffsetStore.open(engine, config, clock), clock);
    }

    /** A coordinator of the groups whose offsets live in {@code offsets} (one partition of the internal topic). */
    public static GroupCoordinator open(Engine engine, OffsetStore offsets, Clock clock) {
        return new GroupCoordinator(engine, offsets, clock);
    }

    public OffsetStore offsets() {
        return offsets;
    }

    /**
     * Adds a member to {@code group} on {@code topic} and rebalances. The new member owns nothing
     * yet: its listener runs when partitions are granted.
     *
     * @throws EngineException 42710 when {@code memberId} is already a member of the group on the topic
     */
    public GroupMember join(String group, TopicInfo topic, String memberId, Runnable listener) {
        Set<GroupMember> changed = new LinkedHashSet<>();
        GroupMember member;
        synchronized (this) {
            GroupTopic gt = groups.computeIfAbsent(new GroupTopicKey(group, topic.topicId()), k -> new GroupTopic(group, topic));
            if (topic.partitions() > gt.topic.partitions()) {
                gt.topic = topic;
            }
            if (gt.members.containsKey(memberId)) {
                throw new EngineException("42710", memberId + " is already a member of consumer group " + group
                        + " on topic " + topic.name());
            }
            member = new GroupMember(this, group, gt.topic, memberId, listener);
            member.lastSeenMs = clock.millis();
            gt.members.put(memberId, member);
            rebalance(gt, changed);
            LOG.info("{} joined ({} members)", member, gt.members.size());
        }
        notifyAll(changed);
        return member;
    }

    /**
     * {@link #join}, or the member itself when {@code memberId} is a member already: its broker lost
     * track of it (a heartbeat that failed on the way) and joins again; it gets its state back.
     */
    public GroupMember rejoin(String group, TopicInfo topic, String memberId, Runnable listener) {
        synchronized (this) {
            GroupMember existing = member(group, topic.topicId(), memberId);
            if (existing != null) {
                existing.version++;
                existing.lastSeenMs = clock.millis();
                return existing;
            }
        }
        return join(group, topic, memberId, listener);
    }

    /** The member {@code memberId} of {@code group} on the topic with id {@code topicId}, or null. */
    public synchronized GroupMember member(String group, UUID topicId, String memberId) {
        GroupTopic gt = groups.get(new GroupTopicKey(group, topicId));
        return gt == null ? null : gt.members.get(memberId);
    }

    /**
     * Removes the members whose broker has not asked about them for {@code timeoutMs} (that broker died
     * or lost its way to this coordinator): the group rebalances without them.
     *
     * @return how many were removed
     */
    public int expireMembers(long timeoutMs) {
        long now = clock.millis();
        List<GroupMember> stale = new ArrayList<>();
        synchronized (this) {
            for (GroupTopic gt : groups.values()) {
                for (GroupMember m : gt.members.values()) {
                    if (now - m.lastSeenMs > timeoutMs) {
                        stale.add(m);
                    }
                }
            }
        }
        for (GroupMember m : stale) {
            LOG.info("{} expired: its broker made no request for {} ms", m, now - m.lastSeenMs);
            m.leave();
        }
        return stale.size();
    }

    /** Every member now (for shutdown: their waiting heartbeats end). */
    public synchronized List<GroupMember> members() {
        List<GroupMember> all = new ArrayList<>();
        for (GroupTopic gt : groups.values()) {
            all.addAll(gt.members.values());
        }
        return all;
    }

    void leave(GroupMember member) {
        Set<GroupMember> changed = new LinkedHashSet<>();
        synchronized (this) {
            if (!member.active) {
                return;
            }
            member.active = false;
            member.version++;
            changed.add(member);
            GroupTopicKey key = new GroupTopicKey(member.group(), member.topic().topicId());
            GroupTopic gt = groups.get(key);
            if (gt == null) {
                return;
            }
            gt.members.remove(member.memberId());
            for (int p : member.owned) {
                gt.owners.remove(p, member);
            }
            member.owned.clear();
            member.revoking.clear();
            if (gt.members.isEmpty()) {
                groups.remove(key);
            } else {
                rebalance(gt, changed);
            }
            LOG.info("{} left ({} members remain)", member, gt.members.size());
        }
        notifyAll(changed);
    }

    void release(GroupMember member, Collection<Integer> partitions) {
        Set<GroupMember> changed = new LinkedHashSet<>();
        synchronized (this) {
            GroupTopic gt = groups.get(new GroupTopicKey(member.group(), member.topic().topicId()));
            for (int p : partitions) {
                if (!member.owned.remove(p)) {
                    continue;
                }
                member.revoking.remove(p);
                member.version++;
                if (gt == null) {
                    continue;
                }
                gt.owners.remove(p, member);
                GroupMember next = gt.targetOwner(p);
                if (next != null && next != member) {
                    grant(gt, next, p, changed);
                } else if (next == member) {
                    // Released although still its target (a member may give up a partition it cannot read):
                    // give it back so it is not orphaned.
                    grant(gt, member, p, changed);
                }
            }
        }
        notifyAll(changed);
    }

    /** @GuardedBy("this") */
    private void rebalance(GroupTopic gt, Set<GroupMember> changed) {
        Map<String, Set<Integer>> previous = new HashMap<>(gt.target);
        gt.target = StickyAssignor.assign(previous, new ArrayList<>(gt.members.keySet()), gt.topic.partitions());
        for (int p = 0; p < gt.topic.partitions(); p++) {
            GroupMember owner = gt.owners.get(p);
            GroupMember target = gt.targetOwner(p);
            if (owner == null) {
                if (target != null) {
                    grant(gt, target, p, changed);
                }
            } else if (owner != target) {
                if (owner.revoking.add(p)) {
                    touch(changed, owner);
                }
            } else if (owner.revoking.remove(p)) {
                touch(changed, owner);
            }
        }
    }

    /** @GuardedBy("this") */
    private static void grant(GroupTopic gt, GroupMember member, int partition, Set<GroupMember> changed) {
        gt.owners.put(partition, member);
        member.owned.add(partition);
        member.revoking.remove(partition);
        touch(changed, member);
    }

    /** Notes that {@code member}'s state changed (its listener runs, its version moves). @GuardedBy("this") */
    private static void touch(Set<GroupMember> changed, GroupMember member) {
        changed.add(member);
        member.version++;
    }

    private void notifyAll(Set<GroupMember> members) {
        for (GroupMember m : members) {
            try {
                notifier.execute(() -> {
                    try {
                        m.listener.run();
                    } catch (RuntimeException e) {
                        LOG.warn("Assignment listener of {} failed", m, e);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                LOG.debug("coordinator closed; not notifying {}", m);
            }
        }
    }

    /** Whether {@code group} has a member on any topic now. */
    public synchronized boolean hasMembers(String group) {
        for (GroupTopic gt : groups.values()) {
            if (gt.group.equals(group) && !gt.members.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** Number of members of {@code group} on every topic now. */
    public synchronized int memberCount(String group) {
        int n = 0;
        for (GroupTopic gt : groups.values()) {
            if (gt.group.equals(group)) {
                n += gt.members.size();
            }
        }
        return n;
    }

    /** Whether {@code group} exists: it has members now or committed offsets. */
    public boolean knowsGroup(String group) {
        return hasMembers(group) || offsets.knowsGroup(group);
    }

    /**
     * Sets {@code group}'s committed offsets on {@code topic} ({@code ALTER CONSUMER GROUP ... RESET
     * OFFSETS}), refused while the group has members (they would overwrite it with their positions).
     *
     * @throws EngineException 42704 unknown group; 55006 the group has active members
     */
    public void resetOffsets(String group, TopicInfo topic, Map<Integer, Long> next) {
        synchronized (this) {
            if (!knowsGroup(group)) {
                throw new EngineException(SqlStates.UNDEFINED_OBJECT, "consumer group " + group + " does not exist"
                        + " (it has no members and no committed offsets)");
            }
            int members = memberCount(group);
            if (members > 0) {
                throw new EngineException(SqlStates.OBJECT_IN_USE, "consumer group " + group + " has " + members
                        + " active member" + (members == 1 ? "" : "s") + ": stop its EMIT CHANGES queries before"
                        + " resetting its offsets");
            }
            // Under the monitor: no member can join (and read the old offsets) while the reset is written.
            offsets.commit(group, topic, next);
        }
    }

    /** Commits a member's positions (durable on return). */
    public void commit(String group, TopicInfo topic, Map<Integer, Long> next) {
        offsets.commit(group, topic, next);
    }

    /**
     * Commits positions of member {@code memberId}, fenced: only a partition the member owns now may
     * be committed by it, so that a member that lost a partition (expired, or its coordinator failed
     * over) cannot overwrite what the partition's next owner commits.
     *
     * @throws UnknownMemberException when it is not a member or does not own every partition committed
     */
    public void commit(String group, TopicInfo topic, String memberId, Map<Integer, Long> next) {
        synchronized (this) {
            GroupMember m = member(group, topic.topicId(), memberId);
            if (m == null) {
                throw new UnknownMemberException("cannot commit offsets of consumer group " + group + " on topic "
                        + topic.name() + ": " + memberId + " is not a member (the group rebalanced without it; its"
                        + " uncommitted rows are read again)");
            }
            if (!m.owned.containsAll(next.keySet())) {
                throw new UnknownMemberException("cannot commit offsets of consumer group " + group + " on topic "
                        + topic.name() + ": " + memberId + " owns partitions " + m.owned + ", not all of " + next.keySet()
                        + " (the group rebalanced; their uncommitted rows are read again)");
            }
            m.lastSeenMs = clock.millis();
        }
        // Outside the monitor: the produce waits for acks=all. A partition is released only by its owner,
        // which commits before it releases, so ownership cannot change under this commit.
        offsets.commit(group, topic, next);
    }

    /**
     * The rows of {@code sys.consumer_groups}: every partition with a committed offset of a live topic
     * or a member reading it, sorted by group, topic, partition.
     */
    public List<GroupPartitionStatus> describe() {
        Map<OffsetKey, String> owners = new HashMap<>();
        Map<String, TopicInfo> topicsRead = new HashMap<>();
        synchronized (this) {
            for (GroupTopic gt : groups.values()) {
                for (Map.Entry<Integer, GroupMember> e : gt.owners.entrySet()) {
                    owners.put(new OffsetKey(gt.group, gt.topic.name(), e.getKey()), e.getValue().memberId());
                }
            }
        }
        Map<OffsetKey, CommittedOffset> committed = offsets.snapshot();
        TreeMap<OffsetKey, Boolean> keys = new TreeMap<>(Comparator.comparing(OffsetKey::group)
                .thenComparing(OffsetKey::topic).thenComparingInt(OffsetKey::partition));
        committed.keySet().forEach(k -> keys.put(k, Boolean.TRUE));
        owners.keySet().forEach(k -> keys.put(k, Boolean.TRUE));
        Map<String, List<PartitionStatus>> status = new HashMap<>();
        List<GroupPartitionStatus> rows = new ArrayList<>();
        for (OffsetKey k : keys.keySet()) {
            TopicInfo topic = topicsRead.computeIfAbsent(k.topic(), n -> engine.topic(n).orElse(null));
            if (topic == null) {
                continue;
            }
            List<PartitionStatus> ps = status.computeIfAbsent(topic.name(), n -> {
                try {
                    return engine.partitionStatus(n);
                } catch (EngineException e) {
                    return List.of();
                }
            });
            if (k.partition() >= ps.size()) {
                continue;
            }
            CommittedOffset c = committed.get(k);
            Long offset = c != null && c.topicId().equals(topic.topicId()) ? c.offset() : null;
            String member = owners.get(k);
            if (offset == null && member == null) {
                continue;
            }
            long end = ps.get(k.partition()).highWatermark();
            rows.add(new GroupPartitionStatus(k.group(), topic.name(), k.partition(), member, offset, end,
                    offset == null ? null : Math.max(0, end - offset)));
        }
        return rows;
    }

    /** Stops the notifier thread; members are the callers' to end. */
    @Override
    public void close() {
        notifier.shutdown();
        try {
            notifier.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        notifier.shutdownNow();
    }
}
