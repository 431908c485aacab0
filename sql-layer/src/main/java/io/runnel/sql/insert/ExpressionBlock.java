package io.runnel.sql.insert;

import io.runnel.sql.prepare.PreparedQuery;

/**
 * Up to {@link InsertPlanner#BLOCK_EXPRESSIONS} non-literal values of an {@code INSERT ... VALUES},
 * compiled by Calcite as one {@code SELECT e1, e2, ...} (no FROM), so that expressions are evaluated
 * with Calcite's semantics while literal rows never meet the planner.
 *
 * @param query the compiled {@code SELECT}
 * @param parameterIndexes for each of the query's parameters in order, the statement's parameter
 *     index it reads (the expressions keep the statement's {@code ?} numbering)
 */
record ExpressionBlock(PreparedQuery query, int[] parameterIndexes) {}
