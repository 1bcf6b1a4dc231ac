package io.datamart.local.runner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.api.Json;
import io.datamart.auth.ServiceToken;
import io.datamart.auth.ServiceTokenHashes;
import io.datamart.auth.ServiceTokenRepository;
import io.datamart.domain.DatasourceColumn;
import io.datamart.domain.DatasourceTable;
import io.datamart.persistence.DatasourceRepository;
import io.datamart.persistence.TableNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The organizations, service tokens and datasources a local run starts with; a
 * datasource's {@code tables} (optional) are its schema, each column a name or
 * {@code {"name": ..., "dataType": ...}}. Loading
 * stores each token's SHA-256 hash, never the token. A malformed file is refused as a
 * whole, with the file, the place in it and what is wrong.
 */
public final class SeedFile {
    public record Organization(String id, List<String> serviceTokens, List<Datasource> datasources) {
    }

    /** {@code tables} is null when the seed does not describe the datasource's schema. */
    public record Datasource(String name, List<DatasourceTable> tables) {
    }

    /** A seed file that cannot be used; the message says where and why. */
    public static final class InvalidSeedException extends RuntimeException {
        InvalidSeedException(String message) {
            super(message);
        }
    }

    private final Path file;
    private final List<Organization> organizations;

    private SeedFile(Path file, List<Organization> organizations) {
        this.file = file;
        this.organizations = List.copyOf(organizations);
    }

    public static SeedFile load(Path file) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InvalidSeedException(file + ": cannot read the seed file (" + e.getMessage() + ")");
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(content);
        } catch (JsonProcessingException e) {
            var where = e.getLocation();
            throw new InvalidSeedException(file + ": not valid JSON"
                    + (where == null ? "" : " at line " + where.getLineNr() + ", column " + where.getColumnNr())
                    + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidSeedException(file + ": cannot read the seed file (" + e.getMessage() + ")");
        }
        return new SeedFile(file, new Reader(file).organizations(root));
    }

    public List<Organization> organizations() {
        return organizations;
    }

    /** Writes the seed into the tables; running it twice leaves the same state. */
    public void apply(DynamoDbClient dynamoDb, TableNames tables, Clock clock) {
        ServiceTokenRepository tokens = new ServiceTokenRepository(dynamoDb, tables);
        DatasourceRepository datasources = new DatasourceRepository(dynamoDb, tables, clock);
        for (Organization organization : organizations) {
            for (String token : organization.serviceTokens()) {
                String hash = ServiceTokenHashes.sha256(token);
                tokens.save(new ServiceToken(hash, "seed-" + hash.substring(0, 12), organization.id(),
                        clock.instant(), null, null));
            }
            for (Datasource datasource : organization.datasources()) {
                datasources.save(organization.id(), datasource.name(), datasource.tables());
            }
        }
    }

    @Override
    public String toString() {
        return file.toString();
    }

    /** Reads the tree, naming the JSON path of the first problem. */
    private record Reader(Path file) {
        List<Organization> organizations(JsonNode root) {
            JsonNode list = object(root, "", Set.of("organizations")).get("organizations");
            List<Organization> organizations = new ArrayList<>();
            for (int i = 0; i < array(list, "organizations", true).size(); i++) {
                String path = "organizations[" + i + "]";
                JsonNode org = object(list.get(i), path, Set.of("id", "serviceTokens", "datasources"));
                List<String> tokens = new ArrayList<>();
                JsonNode tokenList = array(org.get("serviceTokens"), path + ".serviceTokens", false);
                for (int t = 0; t < tokenList.size(); t++) {
                    tokens.add(string(tokenList.get(t), path + ".serviceTokens[" + t + "]"));
                }
                List<Datasource> datasources = new ArrayList<>();
                JsonNode datasourceList = array(org.get("datasources"), path + ".datasources", false);
                for (int d = 0; d < datasourceList.size(); d++) {
                    datasources.add(datasource(datasourceList.get(d), path + ".datasources[" + d + "]"));
                }
                organizations.add(new Organization(string(org.get("id"), path + ".id"), tokens, datasources));
            }
            return organizations;
        }

        private Datasource datasource(JsonNode node, String path) {
            JsonNode datasource = object(node, path, Set.of("name", "tables"));
            String name = string(datasource.get("name"), path + ".name");
            if (!datasource.has("tables")) {
                return new Datasource(name, null);
            }
            JsonNode list = array(datasource.get("tables"), path + ".tables", true);
            List<DatasourceTable> tables = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                String tablePath = path + ".tables[" + i + "]";
                JsonNode table = object(list.get(i), tablePath, Set.of("schemaName", "name", "columns"));
                String schemaName = table.has("schemaName")
                        ? string(table.get("schemaName"), tablePath + ".schemaName") : null;
                JsonNode columnList = array(table.get("columns"), tablePath + ".columns", true);
                List<DatasourceColumn> columns = new ArrayList<>();
                for (int c = 0; c < columnList.size(); c++) {
                    columns.add(column(columnList.get(c), tablePath + ".columns[" + c + "]"));
                }
                tables.add(new DatasourceTable(schemaName, string(table.get("name"), tablePath + ".name"), columns));
            }
            return new Datasource(name, tables);
        }

        /** A column: its name, or {"name": ..., "dataType": ...} when the type is known. */
        private DatasourceColumn column(JsonNode node, String path) {
            if (node != null && node.isObject()) {
                JsonNode column = object(node, path, Set.of("name", "dataType"));
                return new DatasourceColumn(string(column.get("name"), path + ".name"),
                        column.has("dataType") ? string(column.get("dataType"), path + ".dataType") : null);
            }
            return new DatasourceColumn(string(node, path), null);
        }

        private JsonNode object(JsonNode node, String path, Set<String> fields) {
            if (node == null || !node.isObject()) {
                throw invalid(path.isEmpty() ? "the seed" : path, "must be a JSON object");
            }
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!fields.contains(name)) {
                    throw invalid(path.isEmpty() ? name : path + "." + name, "is not a known field; expected one of "
                            + fields.stream().sorted().toList());
                }
            }
            return node;
        }

        private JsonNode array(JsonNode node, String path, boolean required) {
            if (node == null && !required) {
                return Json.MAPPER.createArrayNode();
            }
            if (node == null || !node.isArray()) {
                throw invalid(path, node == null ? "is required (an array)" : "must be an array");
            }
            return node;
        }

        private String string(JsonNode node, String path) {
            if (node == null || !node.isTextual() || node.textValue().isBlank()) {
                throw invalid(path, node == null ? "is required (a non-empty string)" : "must be a non-empty string");
            }
            return node.textValue();
        }

        private InvalidSeedException invalid(String path, String problem) {
            return new InvalidSeedException(file + ": " + path + " " + problem);
        }
    }
}
