package io.runnel.jdbc;

/**
 * What {@link RunnelStatement} and {@link RunnelPreparedStatement} (which Avatica's class
 * hierarchy keeps apart) share: the lifecycle of their queries.
 */
interface ManagedStatement {
    QueryLifecycle lifecycle();
}
