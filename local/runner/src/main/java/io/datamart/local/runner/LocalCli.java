package io.datamart.local.runner;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import io.datamart.local.ProjectFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bin/local-api} and {@code bin/invoke}: the commands of the local runner. */
@Command(name = "datamart-local", mixinStandardHelpOptions = true,
        subcommands = {LocalCli.Serve.class, LocalCli.Invoke.class},
        description = "Runs the Datamart API's functions on this machine, on moto (the open-source AWS emulator).")
public final class LocalCli {
    /** Exit code for a configuration the command cannot run with (bad seed, template, handler). */
    static final int CONFIGURATION_ERROR = 2;
    /** Exit code when the handler itself threw, as a failed Lambda invocation. */
    static final int HANDLER_FAILED = 1;

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine commandLine = new CommandLine(new LocalCli())
                .setOut(new java.io.PrintWriter(out, true))
                .setErr(new java.io.PrintWriter(err, true))
                .setExecutionExceptionHandler((failure, line, parsed) -> {
                    err.println("error: " + failure.getMessage());
                    return CONFIGURATION_ERROR;
                });
        commandLine.getSubcommands().values()
                .forEach(command -> ((Streamed) command.getCommand()).streams(out, err));
        return commandLine.execute(args);
    }

    /** The project's folder, which bin/ scripts pass; relative defaults resolve against it. */
    static Path orDefault(Path given, String relative) {
        return given != null ? given : ProjectFiles.root().resolve(relative);
    }

    /**
     * A command that writes to the streams it is given: the process's own from {@link #main},
     * captured ones from tests. stdout is the command's output, stderr everything else.
     */
    abstract static class Streamed {
        PrintStream out = System.out;
        PrintStream err = System.err;

        void streams(PrintStream out, PrintStream err) {
            this.out = out;
            this.err = err;
        }
    }

    /** Options both commands share: where the template, the seed and the data are. */
    static class Storage {
        @Option(names = "--template", paramLabel = "FILE",
                description = "The SAM template whose functions, routes and tables to run (default: template.yaml).")
        Path template;

        @Option(names = "--seed", paramLabel = "FILE",
                description = "Organizations, service tokens and datasources to load (default: local/seed.json).")
        Path seed;

        @Option(names = "--data-dir", paramLabel = "DIR",
                description = "Keep the tables in DIR across restarts and between runs (default: in memory).")
        Path dataDir;

        LocalEnvironment start(PrintStream err) {
            return start(err, 0);
        }

        LocalEnvironment start(PrintStream err, int awsPort) {
            return LocalEnvironment.start(orDefault(template, "template.yaml"), orDefault(seed, "local/seed.json"),
                    dataDir, awsPort, err);
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Serves the API on http://127.0.0.1:PORT until Ctrl-C or SIGTERM.")
    static final class Serve extends Streamed implements Callable<Integer> {
        @CommandLine.Mixin
        Storage storage = new Storage();

        @Option(names = "--port", paramLabel = "N", defaultValue = "3000",
                description = "Port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 picks a free one).")
        int port;

        @Option(names = {"--aws-port", "--dynamodb-port"}, paramLabel = "N", defaultValue = "0",
                description = "Port of the local AWS (moto: DynamoDB, SQS, EventBridge) on 127.0.0.1, e.g. 8000 "
                        + "to use it with bin/admin --endpoint http://127.0.0.1:8000 (default: a free one).")
        int awsPort;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (awsPort < 0 || awsPort > 65_535) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--aws-port must be 0 to 65535, not " + awsPort);
            }
            LocalEnvironment environment = storage.start(err, awsPort);
            LocalApiServer server;
            try {
                environment.loadAllFunctions();
                server = LocalApiServer.start(environment, port, err);
            } catch (Exception e) {
                environment.close();
                throw e;
            }
            // Stream records (every change the API makes) and queued messages, delivered as they come.
            environment.deliverEventsEvery(Duration.ofMillis(250));
            CountDownLatch stopped = new CountDownLatch(1);
            Thread shutdown = new Thread(() -> {
                server.close();
                environment.close();
                stopped.countDown();
            }, "shutdown");
            Runtime.getRuntime().addShutdownHook(shutdown);
            err.println("Local AWS: " + environment.aws().describe()
                    + (storage.dataDir == null ? " (in memory)" : " (tables kept in " + storage.dataDir + ")"));
            environment.template().routes().forEach(route ->
                    err.println("  " + route.routeKey() + " -> " + route.functionId()));
            out.println("Datamart API listening on " + server.url());
            out.println("Try it in a browser: " + server.url() + ApiDocs.PAGE + " (the description: " + server.url()
                    + ApiDocs.DOCUMENT + ")");
            out.flush();
            stopped.await();
            return 0;
        }
    }

    @Command(name = "invoke", mixinStandardHelpOptions = true,
            description = "Runs one event through one function, like `sam local invoke`: "
                    + "the response on stdout, logs on stderr.")
    static final class Invoke extends Streamed implements Callable<Integer> {
        @CommandLine.Mixin
        Storage storage = new Storage();

        @Parameters(index = "0", paramLabel = "FUNCTION", description = "A function's logical id in the template.")
        String function;

        @Parameters(index = "1", paramLabel = "EVENT_FILE", description = "The event, e.g. events/create/http-api.json.")
        Path eventFile;

        @Override
        public Integer call() throws Exception {
            byte[] event = Files.readAllBytes(eventFile);
            try (LocalEnvironment environment = storage.start(err)) {
                LocalFunction target = environment.function(function);
                byte[] response;
                try {
                    response = target.invoke(event);
                } catch (Exception failure) {
                    err.println("error: " + function + " failed: " + failure);
                    failure.printStackTrace(err);
                    return HANDLER_FAILED;
                }
                out.println(new String(response, StandardCharsets.UTF_8));
                out.flush();
                // What the invocation set going: queued messages, stream records, bus events (on stderr).
                environment.deliverPendingEvents();
                return 0;
            }
        }
    }
}
