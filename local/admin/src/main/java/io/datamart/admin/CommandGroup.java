package io.datamart.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * A command of {@code bin/admin} that only groups others ({@code token}, {@code datasource},
 * ...): run alone, it is a usage error naming its commands, in the order they are declared.
 */
abstract class CommandGroup implements Callable<Integer> {
    @ParentCommand
    AdminCli admin;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        List<String> names = new ArrayList<>(spec.subcommands().keySet());
        String last = names.remove(names.size() - 1);
        throw new ParameterException(spec.commandLine(), "Missing a command: "
                + (names.isEmpty() ? last : String.join(", ", names) + " or " + last));
    }
}
