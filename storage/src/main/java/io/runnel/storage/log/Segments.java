package io.runnel.storage.log;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The segments of one log by base offset. Readers look segments up without locks (a concurrent
 * skip list); only the log's writer adds and removes them.
 */
final class Segments {
    private final ConcurrentSkipListMap<Long, Segment> map = new ConcurrentSkipListMap<>();

    void add(Segment segment) {
        map.put(segment.baseOffset, segment);
    }

    void remove(Segment segment) {
        map.remove(segment.baseOffset, segment);
    }

    /** The segment that would hold {@code offset}: the last one based at or before it, or null. */
    Segment floor(long offset) {
        Map.Entry<Long, Segment> e = map.floorEntry(offset);
        return e == null ? null : e.getValue();
    }

    /** The segment after the one based at {@code baseOffset}, or null. */
    Segment higher(long baseOffset) {
        Map.Entry<Long, Segment> e = map.higherEntry(baseOffset);
        return e == null ? null : e.getValue();
    }

    Segment first() {
        Map.Entry<Long, Segment> e = map.firstEntry();
        return e == null ? null : e.getValue();
    }

    Segment last() {
        Map.Entry<Long, Segment> e = map.lastEntry();
        return e == null ? null : e.getValue();
    }

    /** A snapshot, oldest first. */
    List<Segment> all() {
        return new ArrayList<>(map.values());
    }

    /** Segments based at or after {@code offset}, oldest first. */
    Collection<Segment> from(long offset) {
        return new ArrayList<>(map.tailMap(offset, true).values());
    }

    int count() {
        return map.size();
    }

    long sizeInBytes() {
        long size = 0;
        for (Segment s : map.values()) {
            size += s.sizeInBytes();
        }
        return size;
    }

    void clear() {
        map.clear();
    }
}
