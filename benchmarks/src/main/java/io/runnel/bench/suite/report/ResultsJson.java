package io.runnel.bench.suite.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.runnel.bench.suite.SuiteResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a {@link SuiteResult} as pretty-printed JSON. Thread-safe (the mapper is). */
public final class ResultsJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private ResultsJson() {}

    public static String toJson(SuiteResult result) throws IOException {
        return MAPPER.writeValueAsString(result);
    }

    public static void write(SuiteResult result, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, toJson(result) + "\n");
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
