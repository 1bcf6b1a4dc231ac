package io.datamart.admin;

import picocli.CommandLine.Option;

/** {@code --org ORG}, which every command needs. */
final class OrganizationOption {
    @Option(names = "--org", paramLabel = "ORG", required = true, description = "The organization's id.")
    String id;

    String id() {
        if (id.isBlank()) {
            throw new AdminCli.UsageFailure("--org must not be blank");
        }
        return id;
    }
}
