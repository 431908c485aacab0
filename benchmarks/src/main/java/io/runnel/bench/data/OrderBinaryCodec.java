package io.runnel.bench.data;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The compact binary value a careful Kafka user would write for an {@link Order} (the Kafka side of
 * every benchmark; DESIGN.md §8): fixed-width numbers and length-prefixed UTF-8, about 52 bytes.
 *
 * <pre>
 * offset  size  field
 * 0       8     id           int64, big-endian
 * 8       1     n1           length of customer in bytes (≤ 255)
 * 9       n1    customer     UTF-8
 * 9+n1    1     n2           length of product in bytes (≤ 255)
 * 10+n1   n2    product      UTF-8
 * ...     8     amountCents  int64
 * ...     4     qty          int32
 * ...     8     placedAtMs   int64
 * </pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class OrderBinaryCodec {
    private OrderBinaryCodec() {}

    /** Encodes {@code order} into a new array. */
    public static byte[] encode(Order order) {
        byte[] customer = order.customer().getBytes(StandardCharsets.UTF_8);
        byte[] product = order.product().getBytes(StandardCharsets.UTF_8);
        if (customer.length > 255 || product.length > 255) {
            throw new IllegalArgumentException("order " + order.id() + ": a string is longer than 255 bytes");
        }
        ByteBuffer buf = ByteBuffer.allocate(8 + 1 + customer.length + 1 + product.length + 8 + 4 + 8);
        buf.putLong(order.id());
        buf.put((byte) customer.length).put(customer);
        buf.put((byte) product.length).put(product);
        buf.putLong(order.amountCents());
        buf.putInt(order.qty());
        buf.putLong(order.placedAtMs());
        return buf.array();
    }

    /** Decodes every field of a value written by {@link #encode}. */
    public static Order decode(byte[] value) {
        ByteBuffer buf = ByteBuffer.wrap(value);
        long id = buf.getLong();
        String customer = string(buf);
        String product = string(buf);
        return new Order(id, customer, product, buf.getLong(), buf.getInt(), buf.getLong());
    }

    private static String string(ByteBuffer buf) {
        int length = buf.get() & 0xff;
        String s = new String(buf.array(), buf.position(), length, StandardCharsets.UTF_8);
        buf.position(buf.position() + length);
        return s;
    }
}
