package io.runnel.jdbc;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.SQLException;
import java.sql.SQLXML;
import java.sql.Struct;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.Map;
import org.apache.calcite.avatica.util.Cursor;
import org.joou.UByte;
import org.joou.UInteger;
import org.joou.ULong;
import org.joou.UShort;

/**
 * Avatica's accessor of a TIMESTAMP column held as wall-clock milliseconds, with its
 * {@code Timestamp}, {@code Date}, {@code Time} and {@code getObject} answers computed by
 * {@link TimestampConversion} (the same values, without Avatica's per-value calendar work);
 * every other getter is Avatica's.
 *
 * <p>Not thread-safe: used by the thread reading the result set.
 */
final class TimestampAccessor implements Cursor.Accessor {
    /** The column's current value: a {@code Long} of wall-clock milliseconds, or null. */
    interface Value {
        Object get() throws SQLException;
    }

    private final Cursor.Accessor avatica;
    private final Value value;
    private final Calendar localCalendar;
    private final TimestampConversion conversion = new TimestampConversion();

    TimestampAccessor(Cursor.Accessor avatica, Value value, Calendar localCalendar) {
        this.avatica = avatica;
        this.value = value;
        this.localCalendar = localCalendar;
    }

    @Override
    public Timestamp getTimestamp(Calendar calendar) throws SQLException {
        Object v = value.get();
        if (v == null) {
            return null;
        }
        long ms = v instanceof Timestamp t ? t.getTime() : ((Number) v).longValue();
        return conversion.toTimestamp(ms, calendar);
    }

    @Override
    public Object getObject() throws SQLException {
        return getTimestamp(localCalendar);
    }

    @Override
    public Date getDate(Calendar calendar) throws SQLException {
        Timestamp t = getTimestamp(calendar);
        return t == null ? null : new Date(t.getTime());
    }

    @Override
    public Time getTime(Calendar calendar) throws SQLException {
        Timestamp t = getTimestamp(calendar);
        return t == null ? null : new Time(t.getTime());
    }

    // Everything else as Avatica answers it.

    @Override public boolean wasNull() throws SQLException { return avatica.wasNull(); }
    @Override public String getString() throws SQLException { return avatica.getString(); }
    @Override public boolean getBoolean() throws SQLException { return avatica.getBoolean(); }
    @Override public byte getByte() throws SQLException { return avatica.getByte(); }
    @Override public UByte getUByte() throws SQLException { return avatica.getUByte(); }
    @Override public short getShort() throws SQLException { return avatica.getShort(); }
    @Override public UShort getUShort() throws SQLException { return avatica.getUShort(); }
    @Override public int getInt() throws SQLException { return avatica.getInt(); }
    @Override public UInteger getUInt() throws SQLException { return avatica.getUInt(); }
    @Override public long getLong() throws SQLException { return avatica.getLong(); }
    @Override public ULong getULong() throws SQLException { return avatica.getULong(); }
    @Override public float getFloat() throws SQLException { return avatica.getFloat(); }
    @Override public double getDouble() throws SQLException { return avatica.getDouble(); }
    @Override public BigDecimal getBigDecimal() throws SQLException { return avatica.getBigDecimal(); }
    @Override public BigDecimal getBigDecimal(int scale) throws SQLException { return avatica.getBigDecimal(scale); }
    @Override public byte[] getBytes() throws SQLException { return avatica.getBytes(); }
    @Override public InputStream getAsciiStream() throws SQLException { return avatica.getAsciiStream(); }
    @Override public InputStream getUnicodeStream() throws SQLException { return avatica.getUnicodeStream(); }
    @Override public InputStream getBinaryStream() throws SQLException { return avatica.getBinaryStream(); }
    @Override public Reader getCharacterStream() throws SQLException { return avatica.getCharacterStream(); }
    @Override public Object getObject(Map<String, Class<?>> map) throws SQLException { return avatica.getObject(map); }
    @Override public Ref getRef() throws SQLException { return avatica.getRef(); }
    @Override public Blob getBlob() throws SQLException { return avatica.getBlob(); }
    @Override public Clob getClob() throws SQLException { return avatica.getClob(); }
    @Override public Array getArray() throws SQLException { return avatica.getArray(); }
    @Override public Struct getStruct() throws SQLException { return avatica.getStruct(); }
    @Override public URL getURL() throws SQLException { return avatica.getURL(); }
    @Override public NClob getNClob() throws SQLException { return avatica.getNClob(); }
    @Override public SQLXML getSQLXML() throws SQLException { return avatica.getSQLXML(); }
    @Override public String getNString() throws SQLException { return avatica.getNString(); }
    @Override public Reader getNCharacterStream() throws SQLException { return avatica.getNCharacterStream(); }

    @Override
    public <T> T getObject(Class<T> type) throws SQLException {
        if (type == Timestamp.class) {
            return type.cast(getTimestamp(localCalendar));
        }
        return avatica.getObject(type);
    }
}
