package io.datamart.local.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.api.Json;
import io.datamart.local.LocalAws;
import io.datamart.local.ProjectFiles;
import io.datamart.local.TemplateModel;
import io.datamart.local.TemplateModel.FunctionDefinition;
import io.datamart.local.runner.LocalEnvironment;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cold-start figures for one function, measured the way a Lambda cold start spends its
 * time (minus the container): a fresh JVM per run with the function's jar, handler init,
 * the first request, a second request, against moto started by this JVM. Once with the
 * JVM options template.yaml sets (JAVA_TOOL_OPTIONS) and once without, to show what they
 * buy. SnapStart cannot be measured here: it restores a snapshot taken after init.
 *
 * <p>Usage: ColdStartBenchmark RUNS (bin/bench-cold-start passes the rest through properties).
 */
public final class ColdStartBenchmark {
    private static final Pattern FIGURES = Pattern.compile(
            "jvm_to_main_ms=(\\d+) init_ms=([\\d.]+) prime_ms=([\\d.]+) first_ms=([\\d.]+) second_ms=([\\d.]+)"
                    + " status=(\\d+)");

    private ColdStartBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path root = ProjectFiles.root();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String probeClasses = ColdStartProbe.class.getProtectionDomain().getCodeSource().getLocation().getPath();
        PrintStream out = System.out;
        try (LocalEnvironment environment = LocalEnvironment.start(root.resolve("template.yaml"),
                root.resolve("local/seed.json"), null, new PrintStream(PrintStream.nullOutputStream()))) {
            FunctionDefinition create = TemplateModel.load(root.resolve("template.yaml")).functions()
                    .get("CreateDatamartFunction");
            Map<String, String> variables = new HashMap<>(create.environment());
            String templateOptions = variables.remove("JAVA_TOOL_OPTIONS");
            variables.put("DYNAMODB_ENDPOINT", environment.aws().endpoint().toString());
            variables.put("AWS_REGION", LocalAws.REGION.id());
            String handler = create.handler().split("::")[0];
            ObjectNode event = (ObjectNode) Json.MAPPER.readTree(root.resolve("events/create/http-api.json").toFile());
            ObjectNode body = (ObjectNode) Json.MAPPER.readTree(event.path("body").asText());

            out.printf("Cold start of %s (%s), %d fresh JVMs per row, %d cores, java %s%n", create.logicalId(),
                    root.relativize(create.code()), runs, Runtime.getRuntime().availableProcessors(),
                    Runtime.version());
            out.printf("DynamoDB: %s; request figures include its latency%n", environment.aws().describe());
            out.println("figures in ms: median (min-max)");
            out.printf("%-66s %-14s %-14s %-14s %-14s %-14s%n", "JVM options", "JVM to main", "handler init",
                    "priming", "first request", "second request");
            int counter = 0;
            String[][] rows = {{templateOptions, ""}, {templateOptions, "prime"}, {"", ""}};
            for (String[] row : rows) {
                String options = row[0];
                boolean prime = row[1].equals("prime");
                List<double[]> samples = new ArrayList<>();
                for (int run = 0; run < runs; run++) {
                    body.put("name", "bench-" + counter++); // each run creates a new datamart
                    event.put("body", body.toString());
                    Path eventFile = Files.createTempFile("bench-event", ".json");
                    Files.writeString(eventFile, event.toString());
                    samples.add(probe(java, options, prime, create.code() + File.pathSeparator + probeClasses,
                            handler, eventFile, variables));
                    Files.delete(eventFile);
                }
                String label = (options.isEmpty() ? "(none)" : options) + (prime ? " + SnapStart priming" : "");
                out.printf("%-66s %-14s %-14s %-14s %-14s %-14s%n", label, summary(samples, 0),
                        summary(samples, 1), prime ? summary(samples, 4) : "-", summary(samples, 2),
                        summary(samples, 3));
            }
        }
    }

    private static double[] probe(String java, String options, boolean prime, String classpath, String handler,
            Path event, Map<String, String> variables) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java));
        if (!options.isBlank()) {
            command.addAll(List.of(options.trim().split("\\s+")));
        }
        command.addAll(List.of("-cp", classpath, ColdStartProbe.class.getName(), handler, event.toString()));
        if (prime) {
            command.add("prime");
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(variables);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        int exit = process.waitFor();
        Matcher figures = FIGURES.matcher(output);
        if (exit != 0 || !figures.find() || !figures.group(6).equals("200")) {
            throw new IllegalStateException("the probe failed (exit " + exit + "):\n" + output);
        }
        return new double[] {Double.parseDouble(figures.group(1)), Double.parseDouble(figures.group(2)),
                Double.parseDouble(figures.group(4)), Double.parseDouble(figures.group(5)),
                Double.parseDouble(figures.group(3))};
    }

    private static String summary(List<double[]> samples, int column) {
        double[] values = samples.stream().mapToDouble(sample -> sample[column]).sorted().toArray();
        double median = values.length % 2 == 1 ? values[values.length / 2]
                : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
        return String.format("%.0f (%.0f-%.0f)", median, values[0], values[values.length - 1]);
    }
}
