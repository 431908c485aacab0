package io.runnel.engine.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.engine.TopicConfig;
import io.runnel.engine.TopicInfo;
import io.runnel.storage.format.Column;
import io.runnel.storage.format.ColumnType;
import io.runnel.storage.format.Schema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The catalog entry of one topic as JSON (format version 1), the file format of
 * {@link FileMetadataStore} and the znode payload of the cluster store:
 *
 * <pre>
 * {
 *   "formatVersion": 1,
 *   "version": 3,                       entry version (compare-and-set token)
 *   "name": "orders",                   as created
 *   "topicId": "0c6f…",                 UUID, new for every CREATE
 *   "internal": false,
 *   "createdAtMs": 1767225600000,
 *   "partitionKey": ["customer"],       column names, in key order
 *   "options": {"partitions": "6", …},  every option of TopicConfig.toOptions(), as text
 *   "schemas": [ {"schemaId": 0, "columns": [ {"name": "id", "type": "BIGINT", "precision": 0,
 *                                              "scale": 0, "nullable": false}, … ]}, … ]
 * }
 * </pre>
 *
 * Options are stored as text and parsed with {@link TopicConfig#with} on load, so an entry is
 * readable by a person and survives changes of the defaults. Unknown fields are ignored on load (a
 * newer minor version may add some); a higher {@code formatVersion} is refused.
 *
 * <p>Stateless and thread-safe.
 */
public final class TopicCodec {
    public static final int FORMAT_VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TopicCodec() {}

    public static byte[] encode(TopicInfo topic, int version) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("formatVersion", FORMAT_VERSION);
        root.put("version", version);
        root.put("name", topic.name());
        root.put("topicId", topic.topicId().toString());
        root.put("internal", topic.internal());
        root.put("createdAtMs", topic.createdAtMs());
        ArrayNode key = root.putArray("partitionKey");
        for (int k : topic.partitionKey()) {
            key.add(topic.currentSchema().column(k).name());
        }
        ObjectNode options = root.putObject("options");
        topic.config().toOptions().forEach(options::put);
        ArrayNode schemas = root.putArray("schemas");
        for (Schema schema : topic.schemas()) {
            ObjectNode s = schemas.addObject();
            s.put("schemaId", schema.schemaId());
            ArrayNode columns = s.putArray("columns");
            for (Column c : schema.columns()) {
                ObjectNode col = columns.addObject();
                col.put("name", c.name());
                col.put("type", c.type().name());
                col.put("precision", c.precision());
                col.put("scale", c.scale());
                col.put("nullable", c.nullable());
            }
        }
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode topic " + topic.name(), e);
        }
    }

    /**
     * @param source names the file or node, for error messages
     * @throws IllegalArgumentException naming {@code source} and the field when the entry is damaged
     */
    public static Versioned<TopicInfo> decode(byte[] bytes, String source) {
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": not valid JSON: " + e.getMessage(), e);
        }
        try {
            int formatVersion = required(root, "formatVersion", source).asInt();
            if (formatVersion > FORMAT_VERSION) {
                throw new IllegalArgumentException(source + ": formatVersion " + formatVersion
                        + " is newer than this broker understands (" + FORMAT_VERSION + ")");
            }
            int version = required(root, "version", source).asInt();
            String name = required(root, "name", source).asText();
            UUID topicId = UUID.fromString(required(root, "topicId", source).asText());
            boolean internal = required(root, "internal", source).asBoolean();
            long createdAtMs = required(root, "createdAtMs", source).asLong();
            List<Schema> schemas = new ArrayList<>();
            for (JsonNode s : required(root, "schemas", source)) {
                List<Column> columns = new ArrayList<>();
                for (JsonNode c : required(s, "columns", source)) {
                    columns.add(new Column(required(c, "name", source).asText(),
                            ColumnType.valueOf(required(c, "type", source).asText()),
                            required(c, "precision", source).asInt(), required(c, "scale", source).asInt(),
                            required(c, "nullable", source).asBoolean()));
                }
                schemas.add(new Schema(required(s, "schemaId", source).asInt(), columns));
            }
            if (schemas.isEmpty()) {
                throw new IllegalArgumentException(source + ": no schemas");
            }
            Schema current = schemas.get(schemas.size() - 1);
            JsonNode keyNode = required(root, "partitionKey", source);
            int[] key = new int[keyNode.size()];
            for (int i = 0; i < key.length; i++) {
                String column = keyNode.get(i).asText();
                key[i] = current.indexOf(column);
                if (key[i] < 0) {
                    throw new IllegalArgumentException(source + ": partition key column " + column + " is not in the schema");
                }
            }
            Map<String, String> options = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : required(root, "options", source).properties()) {
                options.put(e.getKey(), e.getValue().asText());
            }
            TopicConfig config = TopicConfig.DEFAULTS.with(options);
            return new Versioned<>(new TopicInfo(name, topicId, schemas, key, config, internal, createdAtMs), version);
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException && e.getMessage() != null && e.getMessage().startsWith(source)) {
                throw e;
            }
            throw new IllegalArgumentException(source + ": damaged catalog entry: " + e.getMessage(), e);
        }
    }

    private static JsonNode required(JsonNode node, String field, String source) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(source + ": missing field '" + field + "'");
        }
        return v;
    }
}
