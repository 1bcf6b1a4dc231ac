package io.datamart.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.api.Json;
import io.datamart.local.LocalAws;
import io.datamart.local.ProjectFiles;
import io.datamart.local.TemplateModel;
import io.datamart.local.TemplateModel.FunctionDefinition;
import io.datamart.local.runner.LocalEnvironment;
import io.datamart.local.runner.LocalFunction;
import io.datamart.persistence.DynamoDbClients;
import io.datamart.persistence.TableNames;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * bin/bench: the project's performance figures in one run, each beside the project's own
 * baseline (local/baseline: the event parsed, one conditional PutItem, a response), measured
 * in the same run on the same local DynamoDB, so that ratios, not absolute times, carry the
 * result.
 * <ul>
 *   <li>Cold start: fresh JVMs with the deployment jar alone and the JVM options Lambda's runtime uses,
 *   as a Lambda cold start spends its time minus the container: wall time from process
 *   start to the first response, process CPU by then, handler init, first request; and the
 *   first request after SnapStart priming (the hook the handler registered, run as the
 *   runtime runs it before its snapshot).</li>
 *   <li>Warm: every API function's jar on its own class loader in this JVM, a
 *   create-get-update-list-delete cycle repeated, p50 and p99 per operation.</li>
 *   <li>Raw floors: the same client the functions build, one bare call of each kind, in the
 *   same cycles.</li>
 *   <li>Jar sizes.</li>
 * </ul>
 * Usage: Benchmark [COLD_RUNS] [WARM_CYCLES]
 */
public final class Benchmark {
    private static final Pattern COLD_FIGURES = Pattern.compile("jvm_to_main_ms=(\\d+) init_ms=([\\d.]+)"
            + " prime_ms=([\\d.]+) first_ms=([\\d.]+) second_ms=([\\d.]+) first_end_epoch_ms=(\\d+)"
            + " cpu_ms=([\\d.]+) status=(\\d+)");
    private static final String BASELINE_HANDLER = "io.datamart.baseline.OnePutItemHandler";
    private static final String ORGANIZATION_OF_RAW_CALLS = "#bench-raw#";
    /**
     * What Lambda's java25 runtime runs the JVM with: serial GC, and tiered compilation
     * stopped at C1, except under SnapStart, where the JIT's defaults apply (AWS's
     * "Customize Java runtime startup behavior").
     */
    static final String RUNTIME_OPTIONS = "-XX:+UseSerialGC -XX:+TieredCompilation -XX:TieredStopAtLevel=1";
    static final String SNAPSTART_RUNTIME_OPTIONS = "-XX:+UseSerialGC";

    private final Path root = ProjectFiles.root();
    private final PrintStream out = System.out;
    private final TemplateModel template = TemplateModel.load(root.resolve("template.yaml"));
    private final Path baselineJar = root.resolve("local/baseline/target/baseline-put-item.jar");

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        int coldRuns = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int warmCycles = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        new Benchmark().run(coldRuns, warmCycles);
    }

    private void run(int coldRuns, int warmCycles) throws Exception {
        try (LocalEnvironment environment = LocalEnvironment.start(root.resolve("template.yaml"),
                root.resolve("local/seed.json"), null, new PrintStream(PrintStream.nullOutputStream()))) {
            out.printf("bin/bench: %d cores, java %s, DynamoDB: %s; every request figure includes its latency%n",
                    Runtime.getRuntime().availableProcessors(), Runtime.version(), environment.aws().describe());
            Map<String, Double> cold = coldStart(environment, coldRuns);
            Map<String, double[]> warm = warm(environment, warmCycles);
            jars();
            ratios(cold, warm);
        }
    }

    // ---- cold start

    /** Medians by row and figure: "create.wall", "baseline.first", "create+priming.first", ... */
    private Map<String, Double> coldStart(LocalEnvironment environment, int runs) throws Exception {
        FunctionDefinition create = template.functions().get("CreateDatamartFunction");
        Map<String, String> variables = new HashMap<>(environment.functionEnvironment(create));
        variables.put("ORGANIZATION_REQUESTS_PER_MINUTE", "0");
        String probeClasses = Path.of(ColdStartProbe.class.getProtectionDomain().getCodeSource().getLocation()
                .toURI()).toString();
        ObjectNode event = (ObjectNode) Json.MAPPER.readTree(root.resolve("events/create/http-api.json").toFile());
        ObjectNode body = (ObjectNode) Json.MAPPER.readTree(event.path("body").asText());

        out.printf("%nCOLD START: %d fresh JVMs per row, with the JVM options the java25 runtime uses: %s without "
                + "SnapStart, %s (the JVM's defaults) with it%n", runs, RUNTIME_OPTIONS, SNAPSTART_RUNTIME_OPTIONS);
        out.println("figures in ms, median (min-max); wall = process start to first response; CPU = the process's"
                + " by then, all threads");
        out.printf("%-36s %-15s %-15s %-15s %-15s %-15s %-15s%n", "", "wall", "CPU", "handler init", "priming",
                "first request", "second request");
        String[][] rows = {
            {"create", create.code().toString(), create.handler().split("::")[0], ""},
            {"create+priming", create.code().toString(), create.handler().split("::")[0], "prime"},
            {"baseline", baselineJar.toString(), BASELINE_HANDLER, ""}};
        Map<String, Double> medians = new LinkedHashMap<>();
        int counter = 0;
        for (String[] row : rows) {
            List<double[]> samples = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                body.put("name", "bench-cold-" + ProcessHandle.current().pid() + "-" + counter++);
                event.put("body", body.toString());
                Path eventFile = Files.createTempFile("bench-event", ".json");
                Files.writeString(eventFile, event.toString());
                boolean primed = row[3].equals("prime");
                samples.add(probe(primed ? SNAPSTART_RUNTIME_OPTIONS : RUNTIME_OPTIONS, primed, row[1] + File.pathSeparator + probeClasses,
                        row[2], eventFile, variables));
                Files.delete(eventFile);
            }
            String[] figures = {"wall", "cpu", "init", "prime", "first", "second"};
            for (int column = 0; column < figures.length; column++) {
                medians.put(row[0] + "." + figures[column], median(column(samples, column)));
            }
            out.printf("%-36s %-15s %-15s %-15s %-15s %-15s %-15s%n", row[0].equals("create+priming")
                            ? "create, after priming" : row[0].equals("create") ? "create"
                            : "baseline (one PutItem)", summary(column(samples, 0)), summary(column(samples, 1)),
                    summary(column(samples, 2)), row[3].isEmpty() ? "-" : summary(column(samples, 3)),
                    summary(column(samples, 4)), summary(column(samples, 5)));
        }
        return medians;
    }

    /** {wall, cpu, init, prime, first, second} of one fresh JVM. */
    private double[] probe(String options, boolean prime, String classpath, String handler, Path event,
            Map<String, String> variables) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        if (options != null && !options.isBlank()) {
            command.addAll(List.of(options.trim().split("\\s+")));
        }
        command.addAll(List.of("-cp", classpath, ColdStartProbe.class.getName(), handler, event.toString()));
        if (prime) {
            command.add("prime");
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(variables);
        long started = System.currentTimeMillis();
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        Matcher figures = COLD_FIGURES.matcher(output);
        if (exit != 0 || !figures.find() || !figures.group(8).equals("200")) {
            throw new IllegalStateException("the cold-start probe failed (exit " + exit + "):\n" + output);
        }
        return new double[] {Long.parseLong(figures.group(6)) - started, Double.parseDouble(figures.group(7)),
            Double.parseDouble(figures.group(2)), Double.parseDouble(figures.group(3)),
            Double.parseDouble(figures.group(4)), Double.parseDouble(figures.group(5))};
    }

    // ---- warm

    /** p50 and p99 by operation, the raw floors among them ("raw GetItem", ...). */
    private Map<String, double[]> warm(LocalEnvironment environment, int cycles) throws Exception {
        Map<String, LocalFunction> functions = new LinkedHashMap<>();
        for (String id : List.of("CreateDatamartFunction", "ReadDatamartsFunction", "UpdateDatamartFunction",
                "DeleteDatamartFunction")) {
            functions.put(id, load(environment, template.functions().get(id)));
        }
        FunctionDefinition create = template.functions().get("CreateDatamartFunction");
        Map<String, String> createEnvironment = environment.functionEnvironment(create);
        LocalFunction baseline = LocalFunction.load(new FunctionDefinition("Baseline", BASELINE_HANDLER,
                baselineJar, List.of(), createEnvironment, 30), createEnvironment,
                new PrintStream(PrintStream.nullOutputStream()));
        DynamoDbClient raw = DynamoDbClients.fromEnvironment(createEnvironment);
        TableNames tables = TableNames.fromEnvironment(createEnvironment);

        Map<String, JsonNode> samples = new LinkedHashMap<>();
        for (String file : List.of("create/http-api.json", "read/http-api-get.json", "update/http-api.json",
                "read/http-api-list.json", "delete/http-api.json")) {
            samples.put(file, Json.MAPPER.readTree(root.resolve("events").resolve(file).toFile()));
        }
        Map<String, List<Double>> times = new LinkedHashMap<>();
        int warmup = Math.max(30, cycles / 3);
        for (int cycle = -warmup; cycle < cycles; cycle++) {
            boolean measured = cycle >= 0;
            String name = "bench-warm-" + (cycle + warmup);
            time(times, measured, "create", () -> invoke(functions.get("CreateDatamartFunction"),
                    named(samples.get("create/http-api.json"), name, "name")));
            time(times, measured, "get", () -> invoke(functions.get("ReadDatamartsFunction"),
                    path(samples.get("read/http-api-get.json"), name)));
            time(times, measured, "update", () -> invoke(functions.get("UpdateDatamartFunction"),
                    named(samples.get("update/http-api.json"), name, "datamartName")));
            time(times, measured, "list", () -> invoke(functions.get("ReadDatamartsFunction"),
                    samples.get("read/http-api-list.json").toString()));
            time(times, measured, "delete", () -> invoke(functions.get("DeleteDatamartFunction"),
                    query(samples.get("delete/http-api.json"), name)));
            time(times, measured, "baseline", () -> invoke(baseline,
                    named(samples.get("create/http-api.json"), name, "name")));
            raw.deleteItem(r -> r.tableName(tables.datamarts()).key(key("baseline", name)));

            time(times, measured, "raw GetItem", () -> raw.getItem(r -> r.tableName(tables.datamarts())
                    .key(key(ORGANIZATION_OF_RAW_CALLS, "absent")).consistentRead(true)));
            time(times, measured, "raw PutItem", () -> raw.putItem(r -> r.tableName(tables.datamarts())
                    .item(key(ORGANIZATION_OF_RAW_CALLS, name)).conditionExpression("attribute_not_exists(#n)")
                    .expressionAttributeNames(Map.of("#n", "name"))));
            time(times, measured, "raw TransactWriteItems (Put + ConditionCheck)", () -> raw.transactWriteItems(r -> r
                    .transactItems(TransactWriteItem.builder().put(Put.builder().tableName(tables.datamarts())
                                    .item(key(ORGANIZATION_OF_RAW_CALLS, name + "-t"))
                                    .conditionExpression("attribute_not_exists(#n)")
                                    .expressionAttributeNames(Map.of("#n", "name")).build()).build(),
                            TransactWriteItem.builder().conditionCheck(ConditionCheck.builder()
                                    .tableName(tables.datamarts()).key(key(ORGANIZATION_OF_RAW_CALLS, name))
                                    .conditionExpression("attribute_exists(#n)")
                                    .expressionAttributeNames(Map.of("#n", "name")).build()).build())));
            time(times, measured, "raw DeleteItem", () -> raw.deleteItem(r -> r.tableName(tables.datamarts())
                    .key(key(ORGANIZATION_OF_RAW_CALLS, name))));
            raw.deleteItem(r -> r.tableName(tables.datamarts()).key(key(ORGANIZATION_OF_RAW_CALLS, name + "-t")));
        }
        functions.values().forEach(LocalFunction::close);
        baseline.close();

        out.printf("%nWARM: each API function's jar on its own class loader in this JVM (%s); %d create-get-"
                + "update-list-delete cycles after %d unmeasured ones, the baseline's request and one raw call of "
                + "each kind in every cycle (the raw calls through the functions' own DynamoDB client)%n",
                String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()
                        .stream().filter(option -> option.startsWith("-XX")).toList()), cycles, warmup);
        out.printf("%-46s %9s %9s %14s%n", "ms", "p50", "p99", "p50/baseline");
        Map<String, double[]> percentiles = new LinkedHashMap<>();
        times.forEach((operation, values) -> percentiles.put(operation, new double[] {
            percentile(values, 50), percentile(values, 99)}));
        double baselineP50 = percentiles.get("baseline")[0];
        percentiles.forEach((operation, figures) -> out.printf("%-46s %9.2f %9.2f %14.2f%n",
                operation.equals("baseline") ? "baseline (one PutItem)" : operation, figures[0], figures[1],
                figures[0] / baselineP50));
        return percentiles;
    }

    private LocalFunction load(LocalEnvironment environment, FunctionDefinition definition) {
        Map<String, String> variables = new HashMap<>(environment.functionEnvironment(definition));
        variables.put("ORGANIZATION_REQUESTS_PER_MINUTE", "0"); // the cycles would pass any sensible limit
        return LocalFunction.load(definition, variables, new PrintStream(PrintStream.nullOutputStream()));
    }

    private static void time(Map<String, List<Double>> times, boolean measured, String operation, Runnable call) {
        long start = System.nanoTime();
        call.run();
        double millis = (System.nanoTime() - start) / 1e6;
        if (measured) {
            times.computeIfAbsent(operation, key -> new ArrayList<>()).add(millis);
        }
    }

    /** Runs one event and insists on a 2xx: a benchmark of refusals would measure nothing. */
    private static void invoke(LocalFunction function, String event) {
        try {
            JsonNode response = Json.MAPPER.readTree(function.invoke(event.getBytes(StandardCharsets.UTF_8)));
            int status = response.path("statusCode").asInt();
            if (status / 100 != 2) {
                throw new IllegalStateException(function.logicalId() + " answered " + response);
            }
        } catch (Exception e) {
            throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
        }
    }

    /** The sample event with its body's datamart named {@code name}. */
    private static String named(JsonNode sample, String name, String field) {
        ObjectNode event = sample.deepCopy();
        ObjectNode body = (ObjectNode) read(event.path("body").asText());
        body.put(field, name);
        event.put("body", body.toString());
        return event.toString();
    }

    /** The sample DELETE with the datamart's name in its query string. */
    private static String query(JsonNode sample, String name) {
        ObjectNode event = sample.deepCopy();
        event.put("rawQueryString", "datamartName=" + name);
        event.putObject("queryStringParameters").put("datamartName", name);
        return event.toString();
    }

    /** The sample GET with the datamart's name in its path. */
    private static String path(JsonNode sample, String name) {
        ObjectNode event = sample.deepCopy();
        String path = event.path("rawPath").asText().replaceAll("[^/]+$", name);
        event.put("rawPath", path);
        ((ObjectNode) event.path("requestContext").path("http")).put("path", path);
        ((ObjectNode) event.path("pathParameters")).put("name", name);
        return event.toString();
    }

    private static JsonNode read(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, AttributeValue> key(String organization, String name) {
        return Map.of("organizationId", AttributeValue.fromS(organization), "name", AttributeValue.fromS(name));
    }

    // ---- jars and ratios

    private void jars() throws IOException {
        out.printf("%nJARS (what Lambda loads; the target is at most 10 MB for an API function)%n");
        long baseline = Files.size(baselineJar);
        for (FunctionDefinition function : template.functions().values().stream()
                .sorted((a, b) -> a.logicalId().compareTo(b.logicalId())).toList()) {
            long size = Files.size(function.code());
            out.printf("%-36s %,12d bytes  %5.2f MB  %5.2f x baseline%n", function.logicalId(), size, size / 1e6,
                    (double) size / baseline);
        }
        out.printf("%-36s %,12d bytes  %5.2f MB%n", "baseline (one PutItem)", baseline, baseline / 1e6);
    }

    private void ratios(Map<String, Double> cold, Map<String, double[]> warm) {
        double rawPut = warm.get("raw PutItem")[0];
        out.printf("%nRATIOS (medians and p50s of this run)%n");
        out.printf("  cold start, create / baseline:   wall %.2f (target <= 0.90), CPU %.2f, init %.2f, first request "
                + "%.2f%n", cold.get("create.wall") / cold.get("baseline.wall"),
                cold.get("create.cpu") / cold.get("baseline.cpu"), cold.get("create.init") / cold.get("baseline.init"),
                cold.get("create.first") / cold.get("baseline.first"));
        out.printf("  first request after priming / warm create p50: %.2f (target <= 3); / the second request in "
                + "the same JVM: %.2f%n", cold.get("create+priming.first") / warm.get("create")[0],
                cold.get("create+priming.first") / cold.get("create+priming.second"));
        out.printf("  first request without priming / warm create p50: %.2f%n",
                cold.get("create.first") / warm.get("create")[0]);
        out.printf("  warm create p50 / raw TransactWriteItems p50: %.2f (a create is one transaction in the steady "
                + "state; what a transaction costs against a PutItem depends on the engine)%n",
                warm.get("create")[0] / warm.get("raw TransactWriteItems (Put + ConditionCheck)")[0]);
        for (String operation : List.of("create", "update", "get", "list", "delete", "baseline")) {
            out.printf("  warm %-8s p50 / raw PutItem p50: %5.2f%s%n", operation, warm.get(operation)[0] / rawPut,
                    operation.equals("create") || operation.equals("update") ? " (target <= 2)" : "");
        }
    }

    // ---- statistics

    private static double[] column(List<double[]> samples, int column) {
        return samples.stream().mapToDouble(sample -> sample[column]).toArray();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private static String summary(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return String.format("%.0f (%.0f-%.0f)", median(values), sorted[0], sorted[sorted.length - 1]);
    }

    /** The nearest-rank percentile. */
    private static double percentile(List<Double> values, int percent) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
