package io.runnel.bench.suite.load;

import java.util.List;
import java.util.Map;

/**
 * What one topic occupies on disk, and exactly what was counted.
 *
 * @param bytes sum of the sizes of the counted files
 * @param files number of counted files
 * @param rule the counting rule in words (e.g. "*.log under log.dirs/&lt;topic&gt;-&lt;partition&gt;/")
 * @param bytesByExtension every file under the topic's directories by extension, counted or not
 * @param directories the directories that were looked at
 */
public record DiskUsage(
        long bytes, int files, String rule, Map<String, Long> bytesByExtension, List<String> directories) {}
