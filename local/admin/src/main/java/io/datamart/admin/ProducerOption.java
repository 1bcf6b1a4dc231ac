package io.datamart.admin;

import picocli.CommandLine.Option;

/** {@code --producer PRODUCER}, named as the provisioning function names senders. */
final class ProducerOption {
    @Option(names = "--producer", paramLabel = "PRODUCER", required = true,
            description = "The producer: role:<role id> for a role that sends to the queue (aws iam get-role "
                    + "--role-name R --query Role.RoleId), or source:datamart.producer.<name> for a role tagged "
                    + "datamart-producer=<name> that puts requests on the bus.")
    String name;

    String name() {
        if (!name.matches("(role:[A-Z0-9]+|source:datamart\\.producer\\.[^\\s]+)")) {
            throw new AdminCli.UsageFailure("--producer must be role:<role id> (such as role:AROAEXAMPLEID) or "
                    + "source:datamart.producer.<name>, not '" + name + "'");
        }
        return name;
    }
}
