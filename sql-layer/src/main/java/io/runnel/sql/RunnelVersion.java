package io.runnel.sql;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The product's name and version, from the build ({@code version.properties}, filtered by Maven). */
public final class RunnelVersion {
    public static final String PRODUCT_NAME = "Runnel";
    private static final String VERSION = load();

    private RunnelVersion() {}

    /** E.g. {@code 0.1.0-SNAPSHOT}. */
    public static String version() {
        return VERSION;
    }

    /** The leading number of the version, e.g. 0. */
    public static int major() {
        return part(0);
    }

    /** The second number of the version, e.g. 1. */
    public static int minor() {
        return part(1);
    }

    private static int part(int i) {
        String[] parts = VERSION.split("[.-]");
        try {
            return i < parts.length ? Integer.parseInt(parts[i]) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String load() {
        Properties p = new Properties();
        try (InputStream in = RunnelVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version", "unknown");
    }
}
