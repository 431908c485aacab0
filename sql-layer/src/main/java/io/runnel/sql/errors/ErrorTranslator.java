package io.runnel.sql.errors;

import io.runnel.engine.EngineException;
import io.runnel.engine.SqlStates;
import io.runnel.sql.parser.SqlSyntaxError;
import io.runnel.storage.format.InvalidValueException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.runtime.CalciteException;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.validate.SqlValidatorException;

/**
 * Turns whatever a statement threw — a parse error, Calcite's validation and runtime errors, an
 * engine error, a storage value error — into a {@link RunnelSqlException} with the SQLSTATE of
 * DESIGN.md §3, keeping the position Calcite put in the message.
 *
 * <p>Calcite's validator errors carry no code, only text from its message catalog
 * ({@code CalciteResource.properties} in calcite-core). This class reads that catalog once, turns
 * the templates of the messages it knows into patterns, and classifies an error by the template
 * its message was made from — so the mapping follows Calcite's own wording, not guesses.
 *
 * <p>Stateless after class initialization; thread-safe.
 */
public final class ErrorTranslator {
    /** Calcite message keys by the SQLSTATE their errors get. */
    private static final Map<String, List<String>> STATES_BY_KEY = Map.ofEntries(
            Map.entry(SqlStates.UNDEFINED_TABLE, List.of("TableNameNotFound", "TableNotFound",
                    "TableNameNotFoundDidYouMean", "ObjectNotFound", "ObjectNotFoundWithin",
                    "ObjectNotFoundDidYouMean", "ObjectNotFoundWithinDidYouMean", "SchemaNotFound", "ViewNotFound")),
            Map.entry(SqlStates.UNDEFINED_COLUMN, List.of("ColumnNotFound", "ColumnNotFoundDidYouMean",
                    "ColumnNotFoundInTable", "ColumnNotFoundInTableDidYouMean", "UnknownIdentifier",
                    "UnknownTargetColumn", "UnknownField", "SelectStarExcludeListContainsUnknownColumns",
                    "SelectStarReplaceListContainsUnknownColumns")),
            Map.entry(RunnelErrors.AMBIGUOUS_COLUMN, List.of("ColumnAmbiguous")),
            Map.entry(RunnelErrors.UNDEFINED_FUNCTION, List.of("ValidatorUnknownFunction", "FunctionNotFound")),
            Map.entry(SqlStates.DATATYPE_MISMATCH, List.of("CanNotApplyOp2Type", "TypeNotAssignable",
                    "IncompatibleValueType", "IncompatibleTypesInList", "IncompatibleTypes",
                    "NaturalOrUsingColumnNotCompatible", "CannotConvert", "IncompatibleCharset", "CannotCastValue")),
            Map.entry(SqlStates.SYNTAX_ERROR, List.of("UnmatchInsertColumn")),
            Map.entry(RunnelErrors.INDETERMINATE_DATATYPE, List.of("DynamicParamIllegal")),
            Map.entry(SqlStates.FEATURE_NOT_SUPPORTED, List.of("CannotConvertToStream", "CannotConvertToRelation",
                    "StreamMustGroupByMonotonic", "StreamMustOrderByMonotonic",
                    "CannotStreamResultsForNonStreamingInputs")),
            Map.entry(SqlStates.NUMERIC_OUT_OF_RANGE, List.of("NumberLiteralOutOfRange",
                    "InputArgumentsOfFunctionOutOfRange")),
            Map.entry("22008", List.of("DateLiteralOutOfRange")),
            Map.entry(SqlStates.INVALID_DATETIME_FORMAT, List.of("IllegalLiteral")),
            Map.entry(SqlStates.UNDEFINED_OBJECT, List.of("UnknownDatatypeName", "TypeNotFound", "UnknownCharacterSet")));

    /** Validation errors Calcite reports that are none of the above: "syntax error or access rule violation". */
    private static final String VALIDATION_DEFAULT = "42000";

    private static final List<Template> TEMPLATES = loadTemplates();

    private static final Pattern POSITION_PREFIX =
            Pattern.compile("^(From line \\d+, column \\d+ to line \\d+, column \\d+|At line \\d+, column \\d+): ");

    private ErrorTranslator() {}

    /** A Calcite message template, compiled, with the SQLSTATE its errors get. */
    private record Template(String key, Pattern pattern, String sqlState) {}

    /**
     * The user-facing form of {@code t}. A {@link RunnelSqlException} is returned as it is; an error
     * nobody anticipated becomes XX000 naming its class and message.
     */
    public static RunnelSqlException translate(Throwable t) {
        Throwable e = unwrap(t);
        if (e instanceof RunnelSqlException r) {
            return r;
        }
        if (e instanceof EngineException ee) {
            return RunnelErrors.of(ee.sqlState(), ee.getMessage(), ee);
        }
        if (e instanceof SqlParseException pe) {
            SqlSyntaxError syntax = SqlSyntaxError.of(pe);
            return RunnelErrors.of(SqlSyntaxError.SQLSTATE, syntax.message(), pe);
        }
        if (e instanceof CalciteContextException ce) {
            return RunnelErrors.of(classify(ce.getCause() != null ? ce.getCause().getMessage() : ce.getMessage()),
                    ce.getMessage(), ce);
        }
        if (e instanceof SqlValidatorException ve) {
            return RunnelErrors.of(classify(ve.getMessage()), ve.getMessage(), ve);
        }
        if (e instanceof InvalidValueException iv) {
            return RunnelErrors.of(iv.kind().sqlState(), iv.getMessage(), iv);
        }
        if (e instanceof ArithmeticException ae) {
            String message = String.valueOf(ae.getMessage());
            if (message.contains("by zero")) {
                return RunnelErrors.of("22012", "Division by zero", ae);
            }
            return RunnelErrors.of(SqlStates.NUMERIC_OUT_OF_RANGE, "Numeric value out of range: " + message, ae);
        }
        if (e instanceof NumberFormatException nfe) {
            return RunnelErrors.of(SqlStates.INVALID_CHARACTER_VALUE_FOR_CAST,
                    "Invalid number: " + nfe.getMessage(), nfe);
        }
        if (e instanceof DateTimeException dte) {
            return RunnelErrors.of(SqlStates.INVALID_DATETIME_FORMAT, "Invalid date or time: " + dte.getMessage(), dte);
        }
        if (e instanceof CalciteException ce) {
            String message = String.valueOf(ce.getMessage());
            return RunnelErrors.of(classify(message), message, ce);
        }
        if (e instanceof OutOfMemoryError oom) {
            return RunnelErrors.of(SqlStates.OUT_OF_MEMORY, "The server ran out of memory for this statement", oom);
        }
        if (e instanceof InterruptedException) {
            return RunnelErrors.of(SqlStates.QUERY_CANCELED, "The statement was interrupted", e);
        }
        return RunnelErrors.internal(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
    }

    /**
     * The SQLSTATE of a Calcite error message (with or without its position prefix): the state of
     * the catalog template it matches, else 42000.
     */
    public static String classify(String message) {
        if (message == null) {
            return VALIDATION_DEFAULT;
        }
        String text = POSITION_PREFIX.matcher(message).replaceFirst("");
        for (Template t : TEMPLATES) {
            if (t.pattern.matcher(text).matches()) {
                return t.sqlState;
            }
        }
        return VALIDATION_DEFAULT;
    }

    /**
     * Strips the wrappers Calcite and reflection put around the real error (Calcite's
     * {@code RuntimeException("Error while ...", cause)} and the like), stopping at the first
     * exception that carries information of its own.
     */
    private static Throwable unwrap(Throwable t) {
        Throwable e = t;
        for (int depth = 0; depth < 20; depth++) {
            if (e instanceof RunnelSqlException || e instanceof EngineException || e instanceof SqlParseException
                    || e instanceof CalciteContextException || e instanceof SqlValidatorException
                    || e instanceof InvalidValueException) {
                return e;
            }
            Throwable cause = e.getCause();
            if (cause == null || cause == e) {
                return e;
            }
            boolean wrapper = e.getClass() == RuntimeException.class
                    || e instanceof java.lang.reflect.InvocationTargetException
                    || e instanceof java.lang.reflect.UndeclaredThrowableException
                    || e instanceof java.util.concurrent.ExecutionException
                    || e instanceof java.sql.SQLException
                    || (e instanceof CalciteException && !(cause instanceof CalciteException) && hasInformation(cause));
            if (!wrapper) {
                return e;
            }
            e = cause;
        }
        return e;
    }

    private static boolean hasInformation(Throwable cause) {
        return cause instanceof RunnelSqlException || cause instanceof EngineException
                || cause instanceof ArithmeticException || cause instanceof NumberFormatException
                || cause instanceof DateTimeException;
    }

    private static List<Template> loadTemplates() {
        Properties messages = new Properties();
        try (InputStream in = CalciteException.class.getResourceAsStream("CalciteResource.properties")) {
            if (in == null) {
                throw new IllegalStateException("calcite-core has no org/apache/calcite/runtime/CalciteResource.properties");
            }
            messages.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Template> templates = new ArrayList<>();
        for (Map.Entry<String, List<String>> entry : STATES_BY_KEY.entrySet()) {
            for (String key : entry.getValue()) {
                String template = messages.getProperty(key);
                if (template != null) {
                    templates.add(new Template(key, compile(template), entry.getKey()));
                }
            }
        }
        // Longer templates first, so that "... ; did you mean ..." wins over its prefix.
        templates.sort((a, b) -> Integer.compare(b.pattern.pattern().length(), a.pattern.pattern().length()));
        return List.copyOf(templates);
    }

    /** A MessageFormat template as a regular expression: arguments match anything, '' is a quote. */
    static Pattern compile(String template) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        Matcher m = Pattern.compile("\\{\\d+[^}]*}").matcher(template);
        int last = 0;
        while (m.find()) {
            literal.append(template, last, m.start());
            regex.append(Pattern.quote(literal.toString().replace("''", "'")));
            literal.setLength(0);
            regex.append("(.*)");
            last = m.end();
        }
        literal.append(template.substring(last));
        regex.append(Pattern.quote(literal.toString().replace("''", "'")));
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
