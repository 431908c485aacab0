package io.runnel.bench.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OrdersGeneratorTest {

    @Test
    void sameSeedSameRows() {
        assertThat(new OrdersGenerator(42).next(1000)).containsExactly(new OrdersGenerator(42).next(1000));
        assertThat(new OrdersGenerator(42).next(100)).isNotEqualTo(new OrdersGenerator(43).next(100));
    }

    @Test
    void rowsHaveTheShapeOfDesign8() {
        Order[] rows = new OrdersGenerator(7, 1000).next(100_000);
        for (int i = 0; i < rows.length; i++) {
            Order o = rows[i];
            assertThat(o.id()).isEqualTo(1000 + i);
            if (i > 0) {
                assertThat(o.placedAtMs()).isGreaterThanOrEqualTo(rows[i - 1].placedAtMs());
            }
            assertThat(o.customer()).matches("customer-\\d{4}");
            assertThat(o.product()).matches("product-\\d{3}");
            assertThat(o.amountCents()).isBetween(100L, 99_999L);
            assertThat(o.qty()).isBetween(1, 10);
        }
        // Uniform over 10,000 customers: 100k rows touch nearly all of them.
        assertThat(java.util.Arrays.stream(rows).map(Order::customer).distinct().count()).isGreaterThan(9_900);
    }

    @Test
    void binaryCodecRoundTripsEveryField() {
        for (Order o : new OrdersGenerator(1).next(1000)) {
            byte[] value = OrderBinaryCodec.encode(o);
            assertThat(value.length).isBetween(50, 54);
            assertThat(OrderBinaryCodec.decode(value)).isEqualTo(o);
        }
    }
}
