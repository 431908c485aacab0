package io.runnel.replication.controller;

import io.runnel.engine.catalog.MetadataConflictException;
import io.runnel.engine.catalog.MetadataStoreException;
import io.runnel.engine.cluster.MetadataImage;
import io.runnel.replication.metadata.ZkClusterMetadata;
import io.runnel.replication.metadata.ZkCodec;
import io.runnel.replication.metadata.ZkPaths;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster controller, run by every broker and active on one: a Curator {@link LeaderLatch} elects it;
 * on winning it bumps {@code /controller_epoch} by a version-checked write, and from then on every
 * write it makes is fenced by that version ({@link ZkClusterMetadata#controllerWrite}), so a controller
 * that lost the latch without knowing it (a long pause, an expired session) cannot write.
 *
 * <p>While active, it applies {@link ControllerLogic} to every new metadata image (and once a second,
 * in case an image was missed): leaders for partitions whose leader died, dead members out of ISRs,
 * and the completion of partition moves (the moves themselves are stored in ZooKeeper with the
 * assignment, so a controller elected mid-move carries on from the image).
 *
 * <p>Thread-safety: all work runs on its own thread; the public methods may be called from any.
 */
public final class Controller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Controller.class);
    static final long RECONCILE_INTERVAL_MS = 1_000;

    private final ZkClusterMetadata metadata;
    private final CuratorFramework client;
    private final ZkPaths paths;
    private final int brokerId;
    private final LeaderLatch latch;
    private final ScheduledExecutorService thread;
    private final AtomicBoolean reconcilePending = new AtomicBoolean();
    /** Written on the controller thread; read by {@link #isActive()} from any. */
    private volatile boolean active;
    /** Controller thread only. */
    private int epoch = -1;
    /** Controller thread only: the znode version of /controller_epoch after this controller's bump. */
    private int epochZkVersion = -1;

    public Controller(ZkClusterMetadata metadata, CuratorFramework client, ZkPaths paths, int brokerId) {
        this.metadata = metadata;
        this.client = client;
        this.paths = paths;
        this.brokerId = brokerId;
        this.latch = new LeaderLatch(client, paths.controllerLatch(), Integer.toString(brokerId));
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "runnel-controller-" + brokerId);
            t.setDaemon(true);
            return t;
        });
    }

    public void start() throws Exception {
        latch.addListener(new LeaderLatchListener() {
            @Override
            public void isLeader() {
                thread.execute(Controller.this::activate);
            }

            @Override
            public void notLeader() {
                thread.execute(Controller.this::deactivate);
            }
        });
        metadata.addListener(image -> scheduleReconcile());
        latch.start();
        thread.scheduleWithFixedDelay(this::reconcile, RECONCILE_INTERVAL_MS, RECONCILE_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    /** Whether this broker is the active controller now. */
    public boolean isActive() {
        return active;
    }

    private void activate() {
        if (!latch.hasLeadership() || active) {
            return;
        }
        try {
            for (int attempt = 0; attempt < 10; attempt++) {
                Stat stat = new Stat();
                int previous;
                try {
                    previous = ZkCodec.controllerEpoch(client.getData().storingStatIn(stat).forPath(paths.controllerEpoch()),
                            paths.controllerEpoch());
                } catch (KeeperException.NoNodeException e) {
                    try {
                        client.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT)
                                .forPath(paths.controllerEpoch(), ZkCodec.controllerEpoch(0));
                    } catch (KeeperException.NodeExistsException raced) {
                        // Another broker created it.
                    }
                    continue;
                }
                try {
                    Stat written = client.setData().withVersion(stat.getVersion()).forPath(paths.controllerEpoch(),
                            ZkCodec.controllerEpoch(previous + 1));
                    epoch = previous + 1;
                    epochZkVersion = written.getVersion();
                    active = true;
                    LOG.info("Broker {} is the controller (epoch {})", brokerId, epoch);
                    reconcile();
                    return;
                } catch (KeeperException.BadVersionException raced) {
                    // Someone bumped it meanwhile (a controller we are replacing): read again.
                }
            }
            LOG.error("Broker {} won the controller election but could not bump {}; trying again in {} ms", brokerId,
                    paths.controllerEpoch(), RECONCILE_INTERVAL_MS);
        } catch (Exception e) {
            LOG.error("Broker {} cannot become the controller: {}; trying again in {} ms", brokerId, e.toString(),
                    RECONCILE_INTERVAL_MS);
        }
        try {
            thread.schedule(this::activate, RECONCILE_INTERVAL_MS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // Closing.
        }
    }

    private void deactivate() {
        if (active) {
            LOG.info("Broker {} is no longer the controller (epoch {})", brokerId, epoch);
        }
        active = false;
    }

    private void scheduleReconcile() {
        if (active && reconcilePending.compareAndSet(false, true)) {
            try {
                thread.execute(() -> {
                    reconcilePending.set(false);
                    reconcile();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // Closing.
            }
        }
    }

    /** Applies the controller's rules to the current image. Controller thread only. */
    private void reconcile() {
        if (!active) {
            return;
        }
        if (!latch.hasLeadership()) {
            deactivate();
            return;
        }
        MetadataImage image = metadata.image();
        if (!image.current()) {
            return;
        }
        List<ControllerLogic.Decision> decisions = ControllerLogic.decide(image, epoch);
        for (ControllerLogic.Decision d : decisions) {
            try {
                int version = d.completesMove()
                        ? metadata.controllerWrite(epochZkVersion, d.partition(), d.state(), d.expectedVersion(), d.replicasAfter(),
                                d.expectedAssignmentVersion())
                        : metadata.controllerWrite(epochZkVersion, d.partition(), d.state(), d.expectedVersion());
                LOG.info("Controller {} (epoch {}): {} -> leader {}, epoch {}, ISR {} (version {}): {}", brokerId, epoch,
                        d.partition(), d.state().leader(), d.state().leaderEpoch(), d.state().isr(), version, d.reason());
            } catch (ZkClusterMetadata.ControllerFencedException e) {
                LOG.warn("Controller {} (epoch {}) is fenced: {}; stepping down", brokerId, epoch, e.getMessage());
                active = false;
                return;
            } catch (MetadataConflictException e) {
                LOG.debug("Controller {}: {} moved meanwhile; the next image decides again", brokerId, d.partition());
            } catch (MetadataStoreException e) {
                LOG.warn("Controller {}: cannot write {}: {}", brokerId, d.partition(), e.getMessage());
            }
        }
    }

    /** The controller epoch this broker holds, or -1. */
    public int epoch() {
        return active ? epoch : -1;
    }

    /**
     * Stops acting without leaving the election, as a crashed broker would: its latch node stays until
     * its ZooKeeper session expires. For in-process crash tests.
     */
    public void abandon() {
        active = false;
        thread.shutdownNow();
    }

    @Override
    public void close() {
        active = false;
        try {
            latch.close();
        } catch (Exception e) {
            LOG.warn("Cannot leave the controller election: {}", e.toString());
        }
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
