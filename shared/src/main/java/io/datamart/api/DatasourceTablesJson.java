package io.datamart.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.domain.DatasourceColumn;
import io.datamart.domain.DatasourceTable;
import io.datamart.validation.JsonSyntaxErrors;
import io.datamart.validation.Strings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A datasource's known schema as JSON, the one format the seed file ({@code tables} of a
 * datasource) and {@code bin/admin datasource put --schema FILE} take:
 * {@code [{"schemaName": "public", "name": "orders", "columns": ["order_id", {"name": "amount", "dataType": "numeric"}]}]}.
 * {@code schemaName} is optional; a column is its name, or {@code {"name": ..., "dataType": ...}}.
 *
 * <p>Strict: an unknown field, a wrong type or a blank string is refused with the JSON
 * path of the first problem. The tree helpers are public so that a file embedding this
 * format (the seed) reads the rest of itself the same way.
 */
public final class DatasourceTablesJson {
    private static final Set<String> TABLE_FIELDS = Set.of("schemaName", "name", "columns");
    private static final Set<String> COLUMN_FIELDS = Set.of("name", "dataType");

    /** Where (a JSON path, empty for the whole document) and what is wrong. */
    public static final class InvalidJsonException extends IllegalArgumentException {
        private final String path;
        private final String problem;

        public InvalidJsonException(String path, String problem) {
            super(path.isEmpty() ? problem : path + " " + problem);
            this.path = path;
            this.problem = problem;
        }

        public String path() {
            return path;
        }

        public String problem() {
            return problem;
        }

        /** "path problem", naming the whole document {@code document} when the path is empty. */
        public String describe(String document) {
            return (path.isEmpty() ? document : path) + " " + problem;
        }
    }

    private DatasourceTablesJson() {
    }

    /**
     * A schema file: the JSON array of tables alone. Paths in the messages start at
     * {@code $}, e.g. {@code $[0].columns[1].name}.
     *
     * @throws IOException          the file cannot be read
     * @throws InvalidJsonException not JSON, or not a schema (see {@link InvalidJsonException#describe})
     */
    public static List<DatasourceTable> readFile(Path file) throws IOException {
        return tables(parse(Files.readAllBytes(file)), "$");
    }

    /**
     * Strict JSON ({@link Json#MAPPER}) in strict UTF-8, a leading byte order mark allowed;
     * a syntax error says what is wrong and at which line and column (in characters).
     */
    public static JsonNode parse(byte[] content) throws IOException {
        String text = Strings.strictUtf8(content);
        if (text == null) {
            throw new InvalidJsonException("", "is not valid JSON: it is not valid UTF-8");
        }
        try {
            return Json.MAPPER.readTree(text.startsWith("\uFEFF") ? text.substring(1) : text);
        } catch (JsonProcessingException e) {
            throw new InvalidJsonException("", JsonSyntaxErrors.describe(e));
        }
    }

    /** The tables at {@code path}: a JSON array (required), each a table object. */
    public static List<DatasourceTable> tables(JsonNode node, String path) {
        JsonNode list = array(node, path, true);
        List<DatasourceTable> tables = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String tablePath = path + "[" + i + "]";
            JsonNode table = object(list.get(i), tablePath, TABLE_FIELDS);
            String schemaName = table.has("schemaName")
                    ? string(table.get("schemaName"), tablePath + ".schemaName") : null;
            String name = string(table.get("name"), tablePath + ".name");
            JsonNode columnList = array(table.get("columns"), tablePath + ".columns", true);
            List<DatasourceColumn> columns = new ArrayList<>();
            for (int c = 0; c < columnList.size(); c++) {
                columns.add(column(columnList.get(c), tablePath + ".columns[" + c + "]"));
            }
            tables.add(new DatasourceTable(schemaName, name, columns));
        }
        return tables;
    }

    /** A column: its name, or {"name": ..., "dataType": ...} when the type is known. */
    private static DatasourceColumn column(JsonNode node, String path) {
        if (node != null && node.isObject()) {
            JsonNode column = object(node, path, COLUMN_FIELDS);
            return new DatasourceColumn(string(column.get("name"), path + ".name"),
                    column.has("dataType") ? string(column.get("dataType"), path + ".dataType") : null);
        }
        return new DatasourceColumn(string(node, path), null);
    }

    /** A JSON object holding only the given fields. */
    public static JsonNode object(JsonNode node, String path, Set<String> fields) {
        if (node == null || !node.isObject()) {
            throw new InvalidJsonException(path, "must be a JSON object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.contains(name)) {
                throw new InvalidJsonException(path.isEmpty() ? name : path + "." + name,
                        "is not a known field; expected one of " + fields.stream().sorted().toList());
            }
        }
        return node;
    }

    /** A JSON array; an absent optional one reads as empty. */
    public static JsonNode array(JsonNode node, String path, boolean required) {
        if (node == null && !required) {
            return Json.MAPPER.createArrayNode();
        }
        if (node == null || !node.isArray()) {
            throw new InvalidJsonException(path, node == null ? "is required (an array)" : "must be an array");
        }
        return node;
    }

    /** A non-blank JSON string. */
    public static String string(JsonNode node, String path) {
        if (node == null || !node.isTextual() || node.textValue().isBlank()) {
            throw new InvalidJsonException(path,
                    node == null ? "is required (a non-empty string)" : "must be a non-empty string");
        }
        return node.textValue();
    }
}
