package io.runnel.engine.local;

import io.runnel.engine.EngineException;
import io.runnel.engine.SqlStates;
import io.runnel.storage.format.CorruptBatchException;
import io.runnel.storage.format.InvalidBatchException;
import io.runnel.storage.format.InvalidValueException;
import io.runnel.storage.format.UnknownSchemaException;
import io.runnel.storage.log.LogClosedException;
import io.runnel.storage.log.LogStorageException;
import io.runnel.storage.log.OutOfOrderSequenceException;
import io.runnel.storage.log.RecordBatchTooLargeException;
import io.runnel.storage.log.StorageFullException;
import java.io.UncheckedIOException;

/**
 * The one place where storage exceptions become {@link EngineException}s with a SQLSTATE and a
 * message naming topic and partition (and, through the storage message, column and file):
 *
 * <table>
 *   <caption>storage exception to SQLSTATE</caption>
 *   <tr><th>storage</th><th>SQLSTATE</th></tr>
 *   <tr><td>value too long (VARCHAR/VARBINARY)</td><td>22001</td></tr>
 *   <tr><td>value out of range (DECIMAL digits, TIME, numbers)</td><td>22003</td></tr>
 *   <tr><td>NULL in a NOT NULL column</td><td>23502</td></tr>
 *   <tr><td>other invalid batch, unknown schema id</td><td>22000</td></tr>
 *   <tr><td>batch larger than max_batch_bytes</td><td>54000</td></tr>
 *   <tr><td>corrupt batch (CRC, structure)</td><td>XX001</td></tr>
 *   <tr><td>disk full</td><td>53100</td></tr>
 *   <tr><td>log closed (topic dropped meanwhile)</td><td>42P01</td></tr>
 *   <tr><td>other I/O error</td><td>58030</td></tr>
 * </table>
 *
 * <p>Stateless and thread-safe.
 */
final class StorageErrors {
    private StorageErrors() {}

    /**
     * @param where e.g. {@code "batch 2 for partition 1 of topic orders"}
     */
    static EngineException map(RuntimeException e, String topic, String where) {
        if (e instanceof EngineException ee) {
            return ee;
        }
        if (e instanceof InvalidValueException v) {
            return new EngineException(v.kind().sqlState(), where + ": " + v.getMessage(), e);
        }
        if (e instanceof InvalidBatchException b) {
            return new EngineException(b.kind().sqlState(), where + ": " + b.getMessage(), e);
        }
        if (e instanceof UnknownSchemaException u) {
            return new EngineException(SqlStates.DATA_EXCEPTION, where + ": schema id " + u.schemaId()
                    + " is not a schema of topic " + topic, e);
        }
        if (e instanceof CorruptBatchException) {
            return new EngineException(SqlStates.DATA_CORRUPTED, where + " is corrupt: " + e.getMessage(), e);
        }
        if (e instanceof OutOfOrderSequenceException) {
            return new EngineException(SqlStates.OUT_OF_ORDER_SEQUENCE, where + ": " + e.getMessage(), e);
        }
        if (e instanceof RecordBatchTooLargeException) {
            return new EngineException(SqlStates.PROGRAM_LIMIT_EXCEEDED, where + ": " + e.getMessage(), e);
        }
        if (e instanceof StorageFullException) {
            return new EngineException(SqlStates.DISK_FULL, where + ": disk full: " + e.getMessage(), e);
        }
        if (e instanceof LogClosedException) {
            return new EngineException(SqlStates.UNDEFINED_TABLE, where + ": topic " + topic
                    + " was dropped (or the broker is shutting down)", e);
        }
        if (e instanceof LogStorageException || e instanceof UncheckedIOException) {
            return new EngineException(SqlStates.IO_ERROR, where + ": I/O error: " + e.getMessage(), e);
        }
        return new EngineException(SqlStates.INTERNAL_ERROR, where + ": " + e, e);
    }
}
