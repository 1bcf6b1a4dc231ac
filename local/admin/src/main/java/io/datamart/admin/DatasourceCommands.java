package io.datamart.admin;

import io.datamart.api.DatasourceTablesJson;
import io.datamart.domain.Datasource;
import io.datamart.domain.DatasourceTable;
import io.datamart.persistence.DatasourceRepository;
import io.datamart.persistence.TableNames;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code bin/admin datasource put|list|delete}. */
@Command(name = "datasource",
        description = "Registers, lists and deletes the datasources of an organization (the datasources a "
                + "datamart may name), each with its known schema when given.",
        subcommands = {DatasourceCommands.Put.class, DatasourceCommands.ListDatasources.class,
            DatasourceCommands.Delete.class})
final class DatasourceCommands extends CommandGroup {
    <T> T onDatasourcesTable(Supplier<T> call) {
        return admin.onTable(admin.datasourcesTableName(), "--datasources-table", TableNames.DATASOURCES_VARIABLE,
                call);
    }

    static String schema(List<DatasourceTable> tables) {
        if (tables == null) {
            return "schema unknown";
        }
        return tables.size() + (tables.size() == 1 ? " table" : " tables");
    }

    @Command(name = "put",
            description = "Registers a datasource in the organization, or replaces it (and its schema) if it "
                    + "exists; with --schema, its known tables and columns.")
    static final class Put implements Callable<Integer> {
        @ParentCommand
        DatasourceCommands datasource;

        @Mixin
        OrganizationOption organization;

        @Option(names = "--name", paramLabel = "NAME", required = true,
                description = "The datasource's name, as datamarts name it in datasourceName.")
        String name;

        @Option(names = "--schema", paramLabel = "FILE",
                description = "JSON file with the datasource's tables, in the seed file's `tables` format: "
                        + "[{\"schemaName\": \"public\", \"name\": \"orders\", \"columns\": [\"order_id\", "
                        + "{\"name\": \"amount\", \"dataType\": \"numeric\"}]}] (default: schema unknown).")
        Path schemaFile;

        @Override
        public Integer call() {
            AdminCli admin = datasource.admin;
            String organizationId = organization.id();
            List<DatasourceTable> tables = schemaFile == null ? null : readSchema(schemaFile);
            DatasourceRepository datasources = admin.datasources();
            Optional<Datasource> before = datasource.onDatasourcesTable(() -> {
                Optional<Datasource> existing = datasources.find(organizationId, name);
                try {
                    datasources.save(organizationId, name, tables);
                } catch (IllegalArgumentException unstorable) {
                    throw new AdminCli.UsageFailure("--name: " + unstorable.getMessage());
                }
                return existing;
            });
            admin.err.println((before.isPresent() ? "Replaced" : "Registered") + " datasource " + name
                    + " of organization " + organizationId + ": " + schema(tables)
                    + (before.isPresent() ? " (was: " + schema(before.get().tables()) + ")" : "") + ".");
            return AdminCli.OK;
        }

        private static List<DatasourceTable> readSchema(Path file) {
            try {
                return DatasourceTablesJson.readFile(file);
            } catch (DatasourceTablesJson.InvalidJsonException invalid) {
                throw new AdminCli.UsageFailure(file + ": " + invalid.describe("the schema"));
            } catch (NoSuchFileException missing) {
                throw new AdminCli.UsageFailure(file + ": no such schema file");
            } catch (IOException unreadable) {
                throw new AdminCli.UsageFailure(file + ": cannot read the schema file (" + unreadable + ")");
            }
        }
    }

    @Command(name = "list",
            description = "Lists the organization's datasources: name, and table count or \"schema unknown\".")
    static final class ListDatasources implements Callable<Integer> {
        @ParentCommand
        DatasourceCommands datasource;

        @Mixin
        OrganizationOption organization;

        @Override
        public Integer call() {
            AdminCli admin = datasource.admin;
            String organizationId = organization.id();
            DatasourceRepository datasources = admin.datasources();
            List<Datasource> found = datasource.onDatasourcesTable(() -> datasources.list(organizationId));
            if (found.isEmpty()) {
                admin.err.println("Organization " + organizationId + " has no datasources.");
                return AdminCli.OK;
            }
            TextTable.print(admin.out, List.of("NAME", "SCHEMA"),
                    found.stream().map(d -> List.of(d.name(), schema(d.tables()))).toList());
            return AdminCli.OK;
        }
    }

    @Command(name = "delete",
            description = "Deletes a datasource of the organization. Datamarts that name it are kept as they are.")
    static final class Delete implements Callable<Integer> {
        @ParentCommand
        DatasourceCommands datasource;

        @Mixin
        OrganizationOption organization;

        @Option(names = "--name", paramLabel = "NAME", required = true, description = "The datasource's name.")
        String name;

        @Override
        public Integer call() {
            AdminCli admin = datasource.admin;
            String organizationId = organization.id();
            DatasourceRepository datasources = admin.datasources();
            if (!datasource.onDatasourcesTable(() -> datasources.delete(organizationId, name))) {
                admin.err.println("error: organization " + organizationId + " has no datasource " + name);
                return AdminCli.FAILED;
            }
            admin.err.println("Deleted datasource " + name + " of organization " + organizationId + ".");
            return AdminCli.OK;
        }
    }
}
