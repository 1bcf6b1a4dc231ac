package io.datamart.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.api.ApiGatewayHandler;
import io.datamart.api.Json;
import io.datamart.api.Operation;
import io.datamart.local.ProjectFiles;
import io.datamart.local.runner.LocalEnvironment;
import io.datamart.wiring.DatamartApi;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What an Idempotency-Key costs a warm write: create, update and delete through their
 * functions' real request pipeline, in one JVM (warm), alternately without and with a
 * key, against moto. Prints the DynamoDB calls and transaction items per request (what a
 * key adds on DynamoDB) and the latency (median and 10th-90th percentile, in ms), with
 * the ratio of medians, which is the figure to compare; absolute times are moto's.
 *
 * <p>Usage: IdempotencyKeyBenchmark [ROUNDS] (default 200, after 30 not counted).
 */
public final class IdempotencyKeyBenchmark {
    private static final int WARM_UP = 30;
    private static final String TOKEN = "dbn_live_local_demo_token";
    private static final String ROUTE = "/api/v2/data-app/datamarts";
    /** Rounds between fresh tables (not timed). */
    private static final int FRESH_EVERY = 10;
    private static final List<String> FRESH_TABLES = List.of("DatamartsTable", "IdempotencyKeysTable");

    private IdempotencyKeyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        Path root = ProjectFiles.root();
        PrintStream out = System.out;
        try (LocalEnvironment environment = LocalEnvironment.start(root.resolve("template.yaml"),
                root.resolve("local/seed.json"), null, new PrintStream(PrintStream.nullOutputStream()))) {
            CountingDynamoDbClient counter = new CountingDynamoDbClient(environment.aws().dynamoDb());
            Map<String, String> variables = new HashMap<>(environment.template().functions()
                    .get("CreateDatamartFunction").environment());
            variables.put("ORGANIZATION_REQUESTS_PER_MINUTE", "0");
            DatamartApi api = DatamartApi.create(counter, variables, Clock.systemUTC());
            ApiGatewayHandler writes = api.handler(Operation.CREATE, Operation.UPDATE, Operation.DELETE);
            ObjectNode documented = (ObjectNode) Json.MAPPER.readTree(Json.MAPPER.readTree(
                    root.resolve("events/create/http-api.json").toFile()).path("body").asText());

            out.printf("Warm writes through the functions' request pipeline, %d rounds after %d not counted, "
                    + "alternately without and with an Idempotency-Key; %d cores, java %s%n", rounds, WARM_UP,
                    Runtime.getRuntime().availableProcessors(), Runtime.version());
            out.printf("DynamoDB: %s (absolute times are moto's; compare the ratio)%n", environment.aws().describe());
            out.printf("%-7s | %-34s | %-34s | %s%n", "write", "without key: ms median (p10-p90), calls",
                    "with key: ms median (p10-p90), calls", "ratio of medians");
            AtomicInteger names = new AtomicInteger();
            for (String write : List.of("create", "update", "delete")) {
                List<Double> plain = new ArrayList<>();
                List<Double> keyed = new ArrayList<>();
                double[] calls = new double[2];
                double[] items = new double[2];
                String updated = "bench-updated";
                for (int round = 0; round < WARM_UP + rounds; round++) {
                    if (round % FRESH_EVERY == 0) {
                        // moto copies every table a transaction touches, stream included, so growing
                        // tables would slow the keyed writes (transactions) for moto's sake alone.
                        FRESH_TABLES.forEach(id -> environment.aws().recreateTable(
                                environment.template().tables().get(id)));
                        if (write.equals("update")) {
                            api.service().create("demo", Json.MAPPER.readTree(body(documented, updated)));
                        }
                    }
                    for (int arm = 0; arm < 2; arm++) {
                        boolean withKey = (round + arm) % 2 == 1;
                        String name = write.equals("update") ? updated : "bench-" + names.incrementAndGet();
                        if (write.equals("delete")) {
                            api.service().create("demo", Json.MAPPER.readTree(body(documented, name)));
                        }
                        ObjectNode event = switch (write) {
                            case "create" -> event("POST", ROUTE, "", body(documented, name), key(withKey, round));
                            case "update" -> event("PUT", ROUTE, "", "{\"datamartName\": \"" + name
                                    + "\", \"relationships\": []}", key(withKey, round));
                            default -> event("DELETE", ROUTE, "datamartName=" + name, null, key(withKey, round));
                        };
                        counter.reset();
                        long started = System.nanoTime();
                        ByteArrayOutputStream output = new ByteArrayOutputStream();
                        writes.handle(input(event), output, new BenchContext("CreateDatamartFunction"));
                        double millis = (System.nanoTime() - started) / 1_000_000.0;
                        JsonNode response = Json.MAPPER.readTree(output.toByteArray());
                        if (response.path("statusCode").asInt() != 200) {
                            throw new IllegalStateException(write + " answered " + response);
                        }
                        if (round >= WARM_UP) {
                            (withKey ? keyed : plain).add(millis);
                            calls[withKey ? 1 : 0] += counter.calls();
                            items[withKey ? 1 : 0] += counter.transactionItems();
                        }
                        if (write.equals("create")) {
                            api.service().delete("demo", name);
                        }
                    }
                }
                double plainMedian = percentile(plain, 50);
                double keyedMedian = percentile(keyed, 50);
                out.printf("%-7s | %6.2f (%5.2f-%6.2f), %.0f calls, %.0f tx items | %6.2f (%5.2f-%6.2f), %.0f calls, "
                                + "%.0f tx items | %.2f%n", write,
                        plainMedian, percentile(plain, 10), percentile(plain, 90), calls[0] / rounds, items[0] / rounds,
                        keyedMedian, percentile(keyed, 10), percentile(keyed, 90), calls[1] / rounds, items[1] / rounds,
                        keyedMedian / plainMedian);
            }
        }
    }

    /** A new key each round: every keyed request runs (none is a replay). */
    private static String key(boolean withKey, int round) {
        return withKey ? "bench-key-" + round : null;
    }

    private static String body(ObjectNode documented, String name) {
        return documented.deepCopy().put("name", name).toString();
    }

    private static ObjectNode event(String method, String path, String query, String body, String key) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("version", "2.0").put("routeKey", method + " " + path).put("rawPath", path)
                .put("rawQueryString", query);
        ObjectNode headers = event.putObject("headers").put("authorization", "Bearer " + TOKEN)
                .put("content-type", "application/json");
        if (key != null) {
            headers.put("idempotency-key", key);
        }
        event.putObject("requestContext").put("requestId", "bench").put("stage", "$default")
                .putObject("http").put("method", method).put("path", path);
        if (body != null) {
            event.put("body", body);
        }
        event.put("isBase64Encoded", false);
        return event;
    }

    private static ByteArrayInputStream input(ObjectNode event) {
        return new ByteArrayInputStream(event.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static double percentile(List<Double> samples, int percent) {
        double[] sorted = samples.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.round(percent / 100.0 * (sorted.length - 1)))];
    }
}
