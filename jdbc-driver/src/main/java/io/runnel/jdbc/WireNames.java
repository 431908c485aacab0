package io.runnel.jdbc;

import com.google.protobuf.InvalidProtocolBufferException;
import org.apache.calcite.avatica.proto.Common;

/**
 * Keeps Avatica's protobuf messages readable across relocation. Avatica names every message on
 * the wire by its Java class ({@code WireMessage.name}, e.g.
 * {@code org.apache.calcite.avatica.proto.Requests$FetchRequest}) and finds parsers by
 * {@link Class#getName()}. Inside the driver's jar those classes live under
 * {@code io.runnel.jdbc.shaded.}, so outgoing names are translated to Avatica's and incoming
 * ones back; unshaded (in tests) both are the same and nothing is rewritten.
 *
 * <p>The wire package is assembled at run time on purpose: the shade plugin rewrites string
 * constants that name relocated packages, and this one must stay as it is. Thread-safe: stateless.
 */
final class WireNames {
    /** Avatica's protobuf package as servers know it. */
    static final String WIRE_PACKAGE = String.join(".", "org", "apache", "calcite", "avatica", "proto") + ".";
    /** The same package where this jar's copy of Avatica lives. */
    static final String LOCAL_PACKAGE = Common.class.getPackageName() + ".";
    /** Whether names need translating at all. */
    static final boolean RELOCATED = !WIRE_PACKAGE.equals(LOCAL_PACKAGE);

    private WireNames() {
    }

    /** A serialized request with its message name as Avatica servers expect it. */
    static byte[] toWire(byte[] serialized) {
        return RELOCATED ? rename(serialized, LOCAL_PACKAGE, WIRE_PACKAGE) : serialized;
    }

    /**
     * A serialized response with its message name as this jar's classes are called.
     *
     * @throws IllegalArgumentException if {@code serialized} is not an Avatica wire message
     */
    static byte[] fromWire(byte[] serialized) {
        return RELOCATED ? rename(serialized, WIRE_PACKAGE, LOCAL_PACKAGE) : serialized;
    }

    private static byte[] rename(byte[] serialized, String from, String to) {
        Common.WireMessage message;
        try {
            message = Common.WireMessage.parseFrom(serialized);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not an Avatica wire message: " + e.getMessage(), e);
        }
        String name = message.getName();
        if (!name.startsWith(from)) {
            return serialized;
        }
        return message.toBuilder().setName(to + name.substring(from.length())).build().toByteArray();
    }
}
