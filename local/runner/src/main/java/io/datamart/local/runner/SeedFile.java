package io.datamart.local.runner;

import static io.datamart.api.DatasourceTablesJson.array;
import static io.datamart.api.DatasourceTablesJson.object;
import static io.datamart.api.DatasourceTablesJson.string;

import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.api.DatasourceTablesJson;
import io.datamart.auth.ServiceToken;
import io.datamart.auth.ServiceTokenFormat;
import io.datamart.auth.ServiceTokenHashes;
import io.datamart.auth.ServiceTokenRepository;
import io.datamart.domain.DatasourceTable;
import io.datamart.persistence.DatasourceRepository;
import io.datamart.persistence.ProducerGrantRepository;
import io.datamart.persistence.TableNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
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
    /** {@code producers}: who may provision for the organization (see ProducerIdentity), granted on load. */
    public record Organization(String id, List<String> serviceTokens, List<Datasource> datasources,
            List<String> producers) {
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
        try {
            return new SeedFile(file, organizations(DatasourceTablesJson.parse(content)));
        } catch (DatasourceTablesJson.InvalidJsonException e) {
            throw new InvalidSeedException(file + ": " + e.describe("the seed"));
        } catch (IOException e) {
            throw new InvalidSeedException(file + ": cannot read the seed file (" + e.getMessage() + ")");
        }
    }

    public List<Organization> organizations() {
        return organizations;
    }

    /** Writes the seed into the tables; running it twice leaves the same state. */
    public void apply(DynamoDbClient dynamoDb, TableNames tables, Clock clock) {
        apply(dynamoDb, tables, null, clock);
    }

    /**
     * The same, with the producers granted in {@code producerGrantsTable} (null: a template
     * without one, whose producers are not loaded).
     */
    public void apply(DynamoDbClient dynamoDb, TableNames tables, String producerGrantsTable, Clock clock) {
        ProducerGrantRepository grants = producerGrantsTable == null ? null
                : new ProducerGrantRepository(dynamoDb, producerGrantsTable, clock);
        ServiceTokenRepository tokens = new ServiceTokenRepository(dynamoDb, tables);
        DatasourceRepository datasources = new DatasourceRepository(dynamoDb, tables, clock);
        for (Organization organization : organizations) {
            for (String token : organization.serviceTokens()) {
                String hash = ServiceTokenHashes.sha256(token);
                tokens.save(new ServiceToken(hash, "seed-" + hash.substring(0, 12), null, organization.id(),
                        clock.instant(), null, null));
            }
            for (Datasource datasource : organization.datasources()) {
                datasources.save(organization.id(), datasource.name(), datasource.tables());
            }
            if (grants != null) {
                organization.producers().forEach(producer -> grants.grant(producer, organization.id()));
            }
        }
    }

    @Override
    public String toString() {
        return file.toString();
    }

    /** Reads the tree, naming the JSON path of the first problem; tables as {@link DatasourceTablesJson} reads them. */
    private static List<Organization> organizations(JsonNode root) {
        JsonNode list = object(root, "", Set.of("organizations")).get("organizations");
        List<Organization> organizations = new ArrayList<>();
        for (int i = 0; i < array(list, "organizations", true).size(); i++) {
            String path = "organizations[" + i + "]";
            JsonNode org = object(list.get(i), path, Set.of("id", "serviceTokens", "datasources", "producers"));
            List<String> tokens = new ArrayList<>();
            JsonNode tokenList = array(org.get("serviceTokens"), path + ".serviceTokens", false);
            for (int t = 0; t < tokenList.size(); t++) {
                String token = string(tokenList.get(t), path + ".serviceTokens[" + t + "]");
                // A token the functions would refuse for its format must not load as if it worked.
                if (!ServiceTokenFormat.isWellFormed(token)) {
                    throw new DatasourceTablesJson.InvalidJsonException(path + ".serviceTokens[" + t + "]",
                            "must be a service token: " + ServiceTokenFormat.DESCRIPTION);
                }
                tokens.add(token);
            }
            List<Datasource> datasources = new ArrayList<>();
            JsonNode datasourceList = array(org.get("datasources"), path + ".datasources", false);
            for (int d = 0; d < datasourceList.size(); d++) {
                datasources.add(datasource(datasourceList.get(d), path + ".datasources[" + d + "]"));
            }
            List<String> producers = new ArrayList<>();
            JsonNode producerList = array(org.get("producers"), path + ".producers", false);
            for (int p = 0; p < producerList.size(); p++) {
                producers.add(string(producerList.get(p), path + ".producers[" + p + "]"));
            }
            organizations.add(new Organization(string(org.get("id"), path + ".id"), tokens, datasources, producers));
        }
        return organizations;
    }

    private static Datasource datasource(JsonNode node, String path) {
        JsonNode datasource = object(node, path, Set.of("name", "tables"));
        String name = string(datasource.get("name"), path + ".name");
        return new Datasource(name, datasource.has("tables")
                ? DatasourceTablesJson.tables(datasource.get("tables"), path + ".tables") : null);
    }
}
