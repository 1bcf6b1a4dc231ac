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
 * Cold-start figures for the create function beside the project's own baseline handler
 * (one PutItem, module local/baseline), in the same run, measured the way a Lambda cold
 * start spends its time (minus the container): a fresh JVM per run with the jar, handler
 * init, the first request, a second request, against moto started by this JVM. With the
 * JVM options template.yaml sets (JAVA_TOOL_OPTIONS), with them after SnapStart priming,
 * and without them; then the ratios to the baseline. SnapStart itself cannot be measured
 * here: it restores a snapshot taken after init.
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
            String baselineJar = root.resolve("local/baseline/target/baseline-put-item.jar").toString();
            String baselineHandler = "io.datamart.baseline.OnePutItemHandler";
            // {label, jar, handler class, JVM options, "prime" or ""}
            String[][] rows = {
                {"create", create.code().toString(), handler, templateOptions, ""},
                {"create", create.code().toString(), handler, templateOptions, "prime"},
                {"create", create.code().toString(), handler, "", ""},
                {"baseline: one PutItem", baselineJar, baselineHandler, templateOptions, ""},
                {"baseline: one PutItem", baselineJar, baselineHandler, "", ""}};
            int counter = 0;
            double[][] medians = new double[rows.length][];
            for (int r = 0; r < rows.length; r++) {
                String[] row = rows[r];
                String options = row[3];
                boolean prime = row[4].equals("prime");
                List<double[]> samples = new ArrayList<>();
                for (int run = 0; run < runs; run++) {
                    body.put("name", "bench-" + counter++); // each run creates a new datamart
                    event.put("body", body.toString());
                    Path eventFile = Files.createTempFile("bench-event", ".json");
                    Files.writeString(eventFile, event.toString());
                    samples.add(probe(java, options, prime, row[1] + File.pathSeparator + probeClasses, row[2],
                            eventFile, variables));
                    Files.delete(eventFile);
                }
                medians[r] = new double[] {median(samples, 0), median(samples, 1), median(samples, 2),
                    median(samples, 3)};
                String label = row[0] + ", " + (options.isEmpty() ? "no JVM options" : options)
                        + (prime ? " + priming" : "");
                out.printf("%-66s %-14s %-14s %-14s %-14s %-14s%n", label, summary(samples, 0),
                        summary(samples, 1), prime ? summary(samples, 4) : "-", summary(samples, 2),
                        summary(samples, 3));
            }
            out.println("ratios of medians to the baseline with the same JVM options "
                    + "(process start to first response = JVM to main + init + first request):");
            int[][] pairs = {{0, 3}, {1, 3}, {2, 4}};
            for (int[] pair : pairs) {
                double[] function = medians[pair[0]];
                double[] baseline = medians[pair[1]];
                out.printf("  %-62s process to first response %.2f, init %.2f, first request %.2f, "
                                + "second request %.2f%n", rows[pair[0]][0] + ", "
                                + (rows[pair[0]][3].isEmpty() ? "no JVM options" : "template JVM options")
                                + (rows[pair[0]][4].isEmpty() ? "" : " + priming (first request after it)"),
                        (function[0] + function[1] + function[2]) / (baseline[0] + baseline[1] + baseline[2]),
                        function[1] / baseline[1], function[2] / baseline[2], function[3] / baseline[3]);
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

    private static double median(List<double[]> samples, int column) {
        double[] values = samples.stream().mapToDouble(sample -> sample[column]).sorted().toArray();
        return values.length % 2 == 1 ? values[values.length / 2]
                : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
    }

    private static String summary(List<double[]> samples, int column) {
        double[] values = samples.stream().mapToDouble(sample -> sample[column]).sorted().toArray();
        double median = values.length % 2 == 1 ? values[values.length / 2]
                : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
        return String.format("%.0f (%.0f-%.0f)", median, values[0], values[values.length - 1]);
    }
}
