package io.datamart.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.auth.ServiceToken;
import io.datamart.auth.ServiceTokenAuthenticator;
import io.datamart.aws.CallBudget;
import io.datamart.aws.EmbeddedMetrics;
import io.datamart.aws.LambdaLogs;
import io.datamart.aws.SnapStartPriming;
import io.datamart.domain.Datamart;
import io.datamart.error.DatamartException;
import io.datamart.error.IdempotencyKeyInUseException;
import io.datamart.error.InvalidRequestException;
import io.datamart.error.RouteNotFoundException;
import io.datamart.error.ServiceUnavailableException;
import io.datamart.error.Violation;
import io.datamart.idempotency.IdempotencyKeys;
import io.datamart.persistence.CommittedWith;
import io.datamart.persistence.IdempotencyClaimLostException;
import io.datamart.persistence.IdempotencyRecordRepository;
import io.datamart.service.DatamartService;
import io.datamart.throttling.OrganizationRequestLimit;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What every function does with an API Gateway event: parse it, match the route,
 * authenticate, run the route's operation, map the outcome, and log one structured
 * line. A handler is this class bound to the operations of its function.
 */
public final class ApiGatewayHandler {
    /** What is kept back from the invocation's time for writing the response and its log line. */
    static final Duration RESPONSE_RESERVE = Duration.ofSeconds(1);

    private final Set<Operation> operations;
    private final ServiceTokenAuthenticator authenticator;
    private final OrganizationRequestLimit requestLimit;
    private final DatamartService service;
    private final DatamartList list;
    private final IdempotentRequests idempotentRequests;
    /** Held here: the CRaC context keeps its resources only weakly. */
    private final SnapStartPriming priming;

    /**
     * The pipeline of a function serving {@code operations}; {@code records} (null for a
     * function that does not write) keeps its Idempotency-Keys.
     */
    public static ApiGatewayHandler of(Set<Operation> operations, ServiceTokenAuthenticator authenticator,
            OrganizationRequestLimit requestLimit, DatamartService service, IdempotencyRecordRepository records) {
        return new ApiGatewayHandler(operations, authenticator, requestLimit, service,
                records == null ? null : new IdempotentRequests(records));
    }

    private ApiGatewayHandler(Set<Operation> operations, ServiceTokenAuthenticator authenticator,
            OrganizationRequestLimit requestLimit, DatamartService service, IdempotentRequests idempotentRequests) {
        this.operations = EnumSet.copyOf(operations);
        this.authenticator = authenticator;
        this.requestLimit = requestLimit;
        this.service = service;
        this.list = new DatamartList(service);
        this.idempotentRequests = idempotentRequests;
        this.priming = SnapStartPriming.register(this::prime);
    }

    public void handle(InputStream event, OutputStream output, Context context) throws IOException {
        long started = System.nanoTime();
        EmbeddedMetrics.recordColdStart(context);
        Served served = CallBudget.within(context, RESPONSE_RESERVE, () -> serve(event, context));
        ApiResponse response = served.response();
        if (served.route() != null && served.route().legacy()) {
            response = response.deprecated();
        }
        response.writeTo(output);
        logRequest(context, served.route(), served.organizationId(), response, started);
    }

    /** What one request came to: its route and organization, as far as they were known, and the answer. */
    private record Served(Route route, String organizationId, ApiResponse response) {
    }

    private Served serve(InputStream event, Context context) throws IOException {
        Route route = null;
        String organizationId = null;
        ApiResponse response;
        try {
            ApiRequest request = ApiEventParser.parse(event);
            route = Route.find(operations, request.method(), request.path())
                    .orElseThrow(() -> new RouteNotFoundException(request.method(), request.path()));
            ServiceToken caller = authenticator.authenticate(request.header("authorization"));
            organizationId = caller.organizationId();
            DatamartService acting = service.changedBy(caller.changeAuthor());
            OrganizationRequestLimit.Admission admission = requestLimit.admit(organizationId);
            if (admission.outcome() == OrganizationRequestLimit.Admission.Outcome.UNCOUNTED) {
                LambdaLogs.log(context, LogLevel.WARN, "Request not counted against the organization's limit: "
                        + admission.uncountedBecause());
            }
            String key = request.header(IdempotencyKeys.HEADER);
            Route matched = route;
            String organization = organizationId;
            if (DryRun.requested(route, request)) {
                if (key != null) {
                    IdempotencyKeys.http(key); // checked as the real request would, neither claimed nor recorded
                }
                response = respond(acting, route, request, organizationId, null, true, context)
                        .withHeader(DryRun.HEADER, "true");
            } else if (key != null && route.operation().writes()) {
                response = idempotentRequests.serve(organizationId, route, request, key, context,
                        with -> respond(acting, matched, request, organization, with, false, context));
            } else {
                response = respond(acting, route, request, organizationId, null, false, context);
            }
        } catch (DatamartException outcome) {
            response = failure(outcome, route, context);
        } catch (RuntimeException unexpected) {
            response = unexpected(unexpected, context);
        }
        return new Served(route, organizationId, response);
    }

    /**
     * The operation's answer, its write committed together with {@code with} (null: alone),
     * or every check and no write for a dry run.
     */
    private ApiResponse respond(DatamartService acting, Route route, ApiRequest request, String organizationId,
            CommittedWith with, boolean dryRun, Context context) {
        try {
            return execute(acting, route, request, organizationId, with, dryRun);
        } catch (IdempotencyClaimLostException lost) {
            // Its lease ran out and another request with the key took over: nothing was written.
            return failure(new IdempotencyKeyInUseException(), route, context);
        } catch (DatamartException outcome) {
            return failure(outcome, route, context);
        } catch (RuntimeException unexpected) {
            return unexpected(unexpected, context);
        }
    }

    private ApiResponse failure(DatamartException outcome, Route route, Context context) {
        if (outcome instanceof ServiceUnavailableException unavailable) {
            LambdaLogs.log(context, LogLevel.WARN, "Service unavailable: " + unavailable.internalCause());
        }
        return ErrorResponses.of(outcome, operation(route), context.getAwsRequestId());
    }

    private static ApiResponse unexpected(RuntimeException unexpected, Context context) {
        LambdaLogs.log(context, LogLevel.ERROR, LambdaLogs.describe("Unexpected failure", unexpected));
        return ErrorResponses.unexpected(context.getAwsRequestId());
    }

    /** The operation done by {@code acting}: the service as the caller, so its writes record who made them. */
    private ApiResponse execute(DatamartService acting, Route route, ApiRequest request, String organizationId,
            CommittedWith with, boolean dryRun) {
        return switch (route.operation()) {
            case CREATE -> ApiResponse.json(200, success(Operation.CREATE, dryRun
                    ? acting.tryCreate(organizationId, RequestBodies.json(request))
                    : acting.create(organizationId, RequestBodies.json(request), with)));
            case UPDATE -> ApiResponse.json(200, success(Operation.UPDATE, dryRun
                    ? acting.tryUpdate(organizationId, RequestBodies.json(request), EntityTags.ifMatch(request))
                    : acting.update(organizationId, RequestBodies.json(request), with, EntityTags.ifMatch(request))));
            case DELETE -> ApiResponse.json(200, success(Operation.DELETE, acting.delete(organizationId,
                    route.takesBody() ? acting.validator().validateDeleteBody(RequestBodies.json(request))
                            : acting.validator().validateDeleteQuery(request.queryValues("datamartName")),
                    with, EntityTags.ifMatch(request))));
            case LIST -> ApiResponse.json(200, list.body(organizationId, ListOptions.from(request.query())));
            case GET -> {
                Datamart datamart = acting.get(organizationId, request.pathParameters().getOrDefault("name", ""));
                yield ApiResponse.json(200, dataBody(DatamartJson.full(datamart)))
                        .withHeader(EntityTags.ETAG, EntityTags.of(datamart.version()));
            }
            case LIST_VERSIONS -> {
                ArrayNode versions = Json.MAPPER.createArrayNode();
                acting.versions(organizationId, request.pathParameters().getOrDefault("name", ""))
                        .forEach(kept -> {
                            ObjectNode entry = versions.addObject().put("version", kept.version())
                                    .put("updatedAt", kept.updatedAt().toString())
                                    .put("createdAt", kept.createdAt().toString());
                            if (kept.changedBy() != null) {
                                entry.put("changedBy", kept.changedBy());
                            }
                        });
                yield ApiResponse.json(200, dataBody(versions));
            }
            case GET_VERSION -> {
                long version = versionNumber(request.pathParameters().get("n"));
                String kept = acting.version(organizationId, request.pathParameters().getOrDefault("name", ""), version);
                yield ApiResponse.json(200, dataBody(storedJson(kept)));
            }
        };
    }

    /** JSON this service rendered itself and stored: unreadable only if the store was corrupted. */
    private static JsonNode storedJson(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException corrupt) {
            throw new java.io.UncheckedIOException("a kept version is not JSON", corrupt);
        }
    }

    /** The {@code n} of {@code .../versions/{n}}: a positive whole number, or a request error. */
    private static final java.util.regex.Pattern VERSION_NUMBER = java.util.regex.Pattern.compile("[1-9][0-9]{0,17}");

    static long versionNumber(String n) {
        if (n != null && VERSION_NUMBER.matcher(n).matches()) {
            return Long.parseLong(n);
        }
        throw InvalidRequestException.of(List.of(new Violation("n", "version must be a positive whole number")));
    }

    /** A write's success body: {@code {"id": name}}, create and delete adding {@code "error": null}. */
    static ObjectNode success(Operation operation, String id) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("id", id);
        return operation == Operation.UPDATE ? body : body.putNull("error");
    }

    /** {@code {"data": ..., "error": null}}: the read operations' success body. */
    private static ObjectNode dataBody(JsonNode data) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.set("data", data);
        return body.putNull("error");
    }

    /** The hook registered with the CRaC global context: what SnapStart runs before its snapshot. */
    org.crac.Resource priming() {
        return priming;
    }

    /** How many tokens and refusals the handler remembers (none after priming alone). */
    int rememberedTokens() {
        return authenticator.remembered();
    }

    /** What priming reads and writes as: an organization no token can belong to. */
    static final String PRIMING_ORGANIZATION = "#priming#";
    private static final String PRIMING_BODY = """
            {"name": "priming", "datasourceName": "priming",
             "tableList": [{"schemaName": "public", "name": "orders", "label": "Orders", "isHide": false,
               "columns": [{"name": "order_id", "alias": "id"},
                           {"name": "total", "isCustomColumn": true, "sql": "quantity * unit_price"}]}],
             "tenancySettings": {"tenancyLevel": "TABLE", "clientColumnType": "STRING", "schemaName": "public",
               "tableName": "clients", "tableClientNameColumn": "client_id", "tablePrimaryKeyColumn": "id"},
             "relationships": [{"parentTableName": "orders", "parentColumnName": "order_id",
               "childTableName": "lines", "childColumnName": "order_id", "relationshipName": "r",
               "cardinality": "OneToMany", "join": "LEFT JOIN"}]}""";

    /**
     * The request path once, end to end, writing nothing: an event parsed and routed, a
     * token looked up that nobody holds, a body with a custom column validated, mapped to
     * an item and back, a datamart read that cannot exist, the transaction a keyed write
     * commits (on a record that cannot exist, so it is cancelled), a list read, and a
     * success and an error response written. Run before SnapStart's snapshot.
     */
    void prime() {
        Operation first = operations.iterator().next();
        Route route = Route.find(operations, switch (first) {
            case CREATE -> "POST";
            case UPDATE -> "PUT";
            case DELETE -> "DELETE";
            case LIST, GET, LIST_VERSIONS, GET_VERSION -> "GET";
        }, first == Operation.GET ? "/api/v2/data-app/datamarts/{name}" : "/api/v2/data-app/datamarts").orElseThrow();
        ObjectNode event = Json.MAPPER.createObjectNode().put("version", "2.0")
                .put("routeKey", route.method() + " " + route.path()).put("rawPath", route.path())
                .put("rawQueryString", "").put("body", PRIMING_BODY).put("isBase64Encoded", false);
        event.putObject("headers").put("content-type", "application/json");
        event.putObject("requestContext").put("stage", "$default").putObject("http").put("method", route.method());
        try {
            ApiRequest request = ApiEventParser.parse(new java.io.ByteArrayInputStream(
                    event.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            authenticator.primeLookup();
            Datamart mapped = service.prime(PRIMING_ORGANIZATION, RequestBodies.json(request));
            if (idempotentRequests != null) {
                idempotentRequests.prime(PRIMING_ORGANIZATION, route, request);
            }
            if (operations.contains(Operation.LIST)) {
                service.listSummariesAfter(PRIMING_ORGANIZATION, null, 1).count();
            }
            OutputStream sink = OutputStream.nullOutputStream();
            ApiResponse.json(200, success(first == Operation.UPDATE ? Operation.UPDATE : Operation.CREATE, "priming"))
                    .writeTo(sink);
            ApiResponse.json(200, dataBody(DatamartJson.full(mapped))).writeTo(sink);
            ErrorResponses.of(InvalidRequestException.of("priming"), first, "priming").writeTo(sink);
            // The request's log and metric lines built, not written: the snapshot has their classes loaded.
            LambdaLogs.line(LogLevel.INFO, null, "priming").toString();
            EmbeddedMetrics.outcomeLine(REQUESTS_METRIC, LATENCY_METRIC,
                    new EmbeddedMetrics.Outcome(first.name(), "2xx", null, 0)).toString();
        } catch (IOException unwritable) {
            throw new java.io.UncheckedIOException(unwritable);
        }
    }

    /** The operation whose error codes apply: the route's, or before a route matched, the function's first. */
    private Operation operation(Route route) {
        return route != null ? route.operation() : operations.iterator().next();
    }

    /** The count and latency metric names of API requests in {@link EmbeddedMetrics#NAMESPACE}. */
    public static final String REQUESTS_METRIC = "Requests";
    public static final String LATENCY_METRIC = "RequestLatency";

    /** One log line and one metric line per request; neither ever holds the token or the body. */
    private void logRequest(Context context, Route route, String organizationId, ApiResponse response,
            long started) {
        double durationMs = (System.nanoTime() - started) / 1_000_000.0;
        String operation = operation(route).name();
        String routeKey = route == null ? null : route.method() + " " + route.path();
        JsonNode code = response.body().path("error").path("code");
        String errorCode = code.isTextual() ? code.textValue() : null;
        LogLevel level = response.statusCode() >= 500 ? LogLevel.ERROR : LogLevel.INFO;
        ObjectNode line = LambdaLogs.line(level, context,
                        (routeKey == null ? "unrouted request" : routeKey) + " " + response.statusCode())
                .put("operation", operation)
                .put("route", routeKey)
                .put("organization", organizationId)
                .put("status", response.statusCode())
                .put("errorCode", errorCode)
                .put("durationMs", durationMs);
        LambdaLogs.write(context, line);
        EmbeddedMetrics.record(context, REQUESTS_METRIC, LATENCY_METRIC, new EmbeddedMetrics.Outcome(
                operation, EmbeddedMetrics.statusClass(response.statusCode()), errorCode, durationMs));
    }

}
