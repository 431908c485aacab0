package io.runnel.engine.catalog;

import io.runnel.engine.EngineException;
import io.runnel.engine.SqlStates;

/**
 * The rules for topic names. A name is 1 to {@value #MAX_LENGTH} characters of {@code [A-Za-z0-9._-]}
 * (it becomes a directory name, and Kafka users know the rule), is neither {@code .} nor {@code ..},
 * and is unique case-insensitively. Names starting with {@value #INTERNAL_PREFIX} belong to the broker
 * (internal topics such as committed group offsets); users cannot create them.
 *
 * <p>Stateless and thread-safe.
 */
public final class TopicNames {
    public static final int MAX_LENGTH = 249;
    public static final String INTERNAL_PREFIX = "__";

    private TopicNames() {}

    /**
     * @param internal whether the broker creates it (then it must start with {@value #INTERNAL_PREFIX})
     * @throws EngineException 42601 naming the rule the name breaks
     */
    public static void validate(String name, boolean internal) {
        if (name == null || name.isEmpty()) {
            throw invalid("''", "a topic name must not be empty");
        }
        if (name.length() > MAX_LENGTH) {
            throw invalid(abbreviate(name), "a topic name has at most " + MAX_LENGTH + " characters, this one has "
                    + name.length());
        }
        if (name.equals(".") || name.equals("..")) {
            throw invalid(name, "a topic name cannot be '.' or '..'");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
                    || c == '_' || c == '-';
            if (!ok) {
                throw invalid(abbreviate(name), "a topic name may contain only letters A-Z and a-z, digits, '.', '_' and '-'; "
                        + describe(c) + " at position " + (i + 1) + " is not allowed");
            }
        }
        boolean reserved = name.startsWith(INTERNAL_PREFIX);
        if (reserved && !internal) {
            throw invalid(name, "names starting with '" + INTERNAL_PREFIX + "' are reserved for internal topics");
        }
        if (!reserved && internal) {
            throw new IllegalArgumentException("internal topic " + name + " must start with " + INTERNAL_PREFIX);
        }
    }

    public static boolean isInternal(String name) {
        return name.startsWith(INTERNAL_PREFIX);
    }

    private static String describe(char c) {
        return Character.isISOControl(c) || Character.isWhitespace(c)
                ? String.format("character U+%04X", (int) c) : "'" + c + "'";
    }

    private static String abbreviate(String name) {
        return name.length() <= 60 ? name : name.substring(0, 57) + "...";
    }

    private static EngineException invalid(String name, String rule) {
        return new EngineException(SqlStates.SYNTAX_ERROR, "invalid topic name " + name + ": " + rule);
    }
}
