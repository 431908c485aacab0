package io.runnel.sql.insert;

/**
 * Where one value of an {@code INSERT ... VALUES} row comes from. Immutable.
 */
sealed interface InsertCell {
    /** A literal, or an expression without parameters evaluated while preparing: already coerced to the column. */
    record Constant(Object value) implements InsertCell {}

    /** A bare {@code ?}: the client's value for parameter {@code index} (0-based), coerced per execution. */
    record Parameter(int index) implements InsertCell {}

    /** An expression over parameters: output {@code column} of {@link ExpressionBlock} {@code block}, per execution. */
    record Deferred(int block, int column) implements InsertCell {}
}
