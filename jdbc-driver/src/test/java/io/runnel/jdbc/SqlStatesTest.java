package io.runnel.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import org.junit.jupiter.api.Test;

class SqlStatesTest {
    @Test
    void unknownStatesBecomeInternalErrors() {
        for (String state : new String[] {null, "", "00000"}) {
            SQLException e = SqlStates.toException("boom", state, 0, null);
            assertThat(e.getSQLState()).isEqualTo("XX000");
            assertThat(e.getClass()).isEqualTo(SQLException.class);
        }
    }

    @Test
    void onlyQueryCanceledOfClass57IsATimeout() {
        assertThat((Throwable) SqlStates.toException("m", "57014", 0, null)).isInstanceOf(SQLTimeoutException.class);
        assertThat(SqlStates.toException("m", "57P01", 0, null).getClass()).isEqualTo(SQLException.class);
    }

    @Test
    void messageVendorCodeAndCauseAreKept() {
        Throwable cause = new IllegalStateException("server side");
        SQLException e = SqlStates.toException("topic orders exists", "42P07", 17, cause);
        assertThat(e.getMessage()).isEqualTo("topic orders exists");
        assertThat(e.getErrorCode()).isEqualTo(17);
        assertThat(e.getCause()).isSameAs(cause);
    }
}
