package io.runnel.replication.metadata;

import java.util.Locale;

/**
 * Where Runnel keeps its cluster metadata in ZooKeeper, under a root (default {@code /runnel}); the
 * layout is in design note 0007. Topic names appear lower-cased (names are unique case-insensitively).
 *
 * <p>Immutable and thread-safe.
 */
public final class ZkPaths {
    public static final String DEFAULT_ROOT = "/runnel";

    private final String root;

    public ZkPaths(String root) {
        if (!root.startsWith("/") || (root.length() > 1 && root.endsWith("/"))) {
            throw new IllegalArgumentException("the ZooKeeper root must start with '/' and not end with it: " + root);
        }
        this.root = root.equals("/") ? "" : root;
    }

    public String root() {
        return root.isEmpty() ? "/" : root;
    }

    public String clusterId() {
        return root + "/cluster_id";
    }

    public String controllerEpoch() {
        return root + "/controller_epoch";
    }

    public String controllerLatch() {
        return root + "/controller/latch";
    }

    public String brokers() {
        return root + "/brokers/ids";
    }

    public String broker(int id) {
        return brokers() + "/" + id;
    }

    public String topics() {
        return root + "/topics";
    }

    public String topic(String name) {
        return topics() + "/" + key(name);
    }

    public String assignments() {
        return root + "/assignments";
    }

    public String assignment(String name) {
        return assignments() + "/" + key(name);
    }

    public String partitions() {
        return root + "/partitions";
    }

    public String partitionsOf(String name) {
        return partitions() + "/" + key(name);
    }

    public String partition(String name, int partition) {
        return partitionsOf(name) + "/" + partition;
    }

    public static String key(String topic) {
        return topic.toLowerCase(Locale.ROOT);
    }

    /** The last path element. */
    static String last(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** The parent path. */
    static String parent(String path) {
        return path.substring(0, path.lastIndexOf('/'));
    }
}
