package io.runnel.sql.prepare;

import io.runnel.sql.adapter.SystemColumn;
import io.runnel.sql.adapter.TopicTable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.validate.SelectScope;
import org.apache.calcite.sql.validate.SqlQualified;
import org.apache.calcite.sql.validate.SqlValidatorNamespace;
import org.apache.calcite.sql.validate.SqlValidatorTable;
import org.apache.calcite.prepare.CalciteSqlValidator;

/**
 * Calcite's validator, except that {@code *} does not expand to a topic's system columns
 * ({@code _partition}, {@code _offset}, {@code _timestamp}; design note 0003 §2). Naming them
 * explicitly still works, and so does {@code *} over a sub-query that selected them by name:
 * only a star whose column resolves to a topic's own system column skips it.
 *
 * <p>{@link #addToSelectList} is reached only from star expansion (explicit select items take
 * another path in {@code SqlValidatorImpl}), which is what makes this override enough.
 *
 * <p>Not thread-safe, like every validator: one per statement.
 */
public final class RunnelValidator extends CalciteSqlValidator {
    RunnelValidator(SqlOperatorTable opTab, CalciteCatalogReader catalogReader, JavaTypeFactory typeFactory,
            Config config) {
        super(opTab, catalogReader, typeFactory, config);
    }

    @Override
    protected void addToSelectList(List<SqlNode> list, Set<String> aliases, List<Map.Entry<String, RelDataType>> fieldList,
            SqlNode exp, SelectScope scope, boolean includeSystemVars) {
        if (exp instanceof SqlIdentifier id && !id.isStar() && isTopicSystemColumn(id, scope)) {
            return;
        }
        super.addToSelectList(list, aliases, fieldList, exp, scope, includeSystemVars);
    }

    private static boolean isTopicSystemColumn(SqlIdentifier id, SelectScope scope) {
        if (SystemColumn.of(id.names.get(id.names.size() - 1)) == null) {
            return false;
        }
        try {
            SqlQualified qualified = scope.fullyQualify(id);
            SqlValidatorNamespace namespace = qualified.namespace;
            SqlValidatorTable table = namespace == null ? null : namespace.getTable();
            return table != null && table.unwrap(TopicTable.class) != null;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
