package io.datamart.admin;

import io.datamart.persistence.ProducerGrantRepository;
import io.datamart.persistence.ProducerGrantRepository.Grant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code bin/admin producer grant|revoke|list}: which producers may provision for an organization. */
@Command(name = "producer",
        description = "Grants, revokes and lists the provisioning producers that may create, update and delete "
                + "the datamarts of an organization through the queue or the bus.",
        subcommands = {ProducerCommands.GrantProducer.class, ProducerCommands.Revoke.class,
            ProducerCommands.ListProducers.class})
final class ProducerCommands extends CommandGroup {

    <T> T onGrantsTable(Supplier<T> call) {
        return admin.onTable(admin.producerGrantsTableName(), "--producers-table",
                ProducerGrantRepository.TABLE_VARIABLE, call);
    }

    @Command(name = "grant", description = "Lets the producer act for the organization.")
    static final class GrantProducer implements Callable<Integer> {
        @ParentCommand
        ProducerCommands producers;

        @Mixin
        OrganizationOption organization;

        @Mixin
        ProducerOption producer;

        @Override
        public Integer call() {
            String organizationId = organization.id();
            String name = producer.name();
            ProducerGrantRepository grants = producers.admin.producerGrants();
            producers.onGrantsTable(() -> {
                grants.grant(name, organizationId);
                return null;
            });
            producers.admin.err.println("Granted " + name + " to act for organization " + organizationId + ".");
            return AdminCli.OK;
        }
    }

    @Command(name = "revoke", description = "Takes the grant back: the producer's later requests fail.")
    static final class Revoke implements Callable<Integer> {
        @ParentCommand
        ProducerCommands producers;

        @Mixin
        OrganizationOption organization;

        @Mixin
        ProducerOption producer;

        @Override
        public Integer call() {
            String organizationId = organization.id();
            String name = producer.name();
            ProducerGrantRepository grants = producers.admin.producerGrants();
            if (!producers.onGrantsTable(() -> grants.revoke(name, organizationId))) {
                producers.admin.err.println("error: " + name + " has no grant for organization " + organizationId);
                return AdminCli.FAILED;
            }
            producers.admin.err.println("Revoked " + name + " for organization " + organizationId + ".");
            return AdminCli.OK;
        }
    }

    @Command(name = "list", description = "Lists the producers that may act for the organization, and since when.")
    static final class ListProducers implements Callable<Integer> {
        @ParentCommand
        ProducerCommands producers;

        @Mixin
        OrganizationOption organization;

        @Override
        public Integer call() {
            String organizationId = organization.id();
            ProducerGrantRepository grants = producers.admin.producerGrants();
            List<Grant> found = producers.onGrantsTable(() -> grants.list(organizationId));
            if (found.isEmpty()) {
                producers.admin.err.println("No producer may act for organization " + organizationId + ".");
                return AdminCli.OK;
            }
            TextTable.print(producers.admin.out, List.of("PRODUCER", "GRANTED"),
                    found.stream().map(g -> List.of(g.producer(), g.grantedAt() == null ? "-" : g.grantedAt())).toList());
            return AdminCli.OK;
        }
    }
}
