package io.datamart.admin;

import io.datamart.persistence.ParkedDatamartRepository;
import io.datamart.persistence.ParkedDatamartRepository.Parking;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code bin/admin provisioning parked|release}: the datamarts whose provisioning requests
 * are parked behind one that failed for good, and letting them run again.
 */
@Command(name = "provisioning",
        description = "Lists and releases the datamarts whose provisioning requests are parked: one of their "
                + "requests failed for good and went to the dead-letter queue, so the later ones fail with "
                + "DATAMART_PARKED until released.",
        subcommands = {ProvisioningCommands.ListParked.class, ProvisioningCommands.Release.class})
final class ProvisioningCommands extends CommandGroup {
    <T> T onParkedTable(Supplier<T> call) {
        return admin.onTable(admin.parkedDatamartsTableName(), "--parked-table",
                ParkedDatamartRepository.TABLE_VARIABLE, call);
    }

    @Command(name = "parked", description = "Lists the organization's parked datamarts: since when, behind which "
            + "request (its message id on the provisioning queue, its deduplication id in the dead-letter queue), "
            + "and why.")
    static final class ListParked implements Callable<Integer> {
        @ParentCommand
        ProvisioningCommands provisioning;

        @Mixin
        OrganizationOption organization;

        @Override
        public Integer call() {
            String organizationId = organization.id();
            ParkedDatamartRepository parked = provisioning.admin.parkedDatamarts();
            List<Parking> found = provisioning.onParkedTable(() -> parked.list(organizationId));
            if (found.isEmpty()) {
                provisioning.admin.err.println("No datamart of organization " + organizationId + " is parked.");
                return AdminCli.OK;
            }
            TextTable.print(provisioning.admin.out, List.of("DATAMART", "PARKED", "MESSAGE", "REASON"),
                    found.stream().map(p -> List.of(p.name(), p.parkedAt(), p.messageId(), p.reason())).toList());
            return AdminCli.OK;
        }
    }

    @Command(name = "release", description = "Lets the datamart's provisioning requests run again. Decide first "
            + "what becomes of the request in the dead-letter queue (redrive it, or drop it); requests that failed "
            + "with DATAMART_PARKED meanwhile must be sent again by their producers.")
    static final class Release implements Callable<Integer> {
        @ParentCommand
        ProvisioningCommands provisioning;

        @Mixin
        OrganizationOption organization;

        @Option(names = "--name", paramLabel = "DATAMART", required = true, description = "The datamart's name.")
        String name;

        @Override
        public Integer call() {
            String organizationId = organization.id();
            ParkedDatamartRepository parked = provisioning.admin.parkedDatamarts();
            Optional<Parking> released = provisioning.onParkedTable(() -> parked.release(organizationId, name));
            if (released.isEmpty()) {
                provisioning.admin.err.println("error: datamart " + name + " of organization " + organizationId
                        + " is not parked");
                return AdminCli.FAILED;
            }
            provisioning.admin.err.println("Released datamart " + name + " of organization " + organizationId
                    + " (parked since " + released.get().parkedAt() + " behind message "
                    + released.get().messageId() + ").");
            return AdminCli.OK;
        }
    }
}
