package io.datamart.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.auth.ServiceTokenAuthenticator;
import io.datamart.error.DatamartException;
import io.datamart.error.RouteNotFoundException;
import io.datamart.service.DatamartService;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * What every function does with an API Gateway event: parse it, match the route,
 * authenticate, run its operation, map the outcome, and log one structured line.
 * A handler is this class bound to one {@link Operation}.
 */
public final class ApiGatewayHandler {
    private final Operation operation;
    private final ServiceTokenAuthenticator authenticator;
    private final DatamartService service;

    ApiGatewayHandler(Operation operation, ServiceTokenAuthenticator authenticator, DatamartService service) {
        this.operation = operation;
        this.authenticator = authenticator;
        this.service = service;
    }

    public void handle(InputStream event, OutputStream output, Context context) throws IOException {
        long started = System.nanoTime();
        Route route = null;
        String organizationId = null;
        ApiResponse response;
        try {
            ApiRequest request = ApiEventParser.parse(event);
            route = Route.find(operation, request.method(), request.path())
                    .orElseThrow(() -> new RouteNotFoundException(request.method(), request.path()));
            organizationId = authenticator.authenticate(request.header("authorization"));
            response = ApiResponse.json(200, operation.successBody(execute(route, request, organizationId)));
        } catch (DatamartException outcome) {
            response = ErrorResponses.of(outcome, operation);
        } catch (RuntimeException unexpected) {
            log(context, LogLevel.ERROR, describe(unexpected));
            response = ErrorResponses.unexpected(context.getAwsRequestId());
        }
        if (route != null && route.legacy()) {
            response = response.deprecated();
        }
        response.writeTo(output);
        logRequest(context, route, organizationId, response, started);
    }

    private String execute(Route route, ApiRequest request, String organizationId) {
        return switch (operation) {
            case CREATE -> service.create(organizationId, RequestBodies.json(request));
            case UPDATE -> service.update(organizationId, RequestBodies.json(request));
            case DELETE -> service.delete(organizationId, route.takesBody()
                    ? service.validator().validateDeleteBody(RequestBodies.json(request))
                    : service.validator().validateDeleteQuery(request.queryValues("datamartName")));
        };
    }

    /** One line per request; it never holds the token or the body. */
    private void logRequest(Context context, Route route, String organizationId, ApiResponse response,
            long started) {
        ObjectNode line = Json.MAPPER.createObjectNode()
                .put("operation", operation.name())
                .put("route", route == null ? null : route.method() + " " + route.path())
                .put("organizationId", organizationId)
                .put("status", response.statusCode());
        JsonNode code = response.body().path("error").path("code");
        if (code.isTextual()) {
            line.put("errorCode", code.textValue());
        }
        line.put("durationMs", (System.nanoTime() - started) / 1_000_000.0);
        log(context, response.statusCode() >= 500 ? LogLevel.ERROR : LogLevel.INFO, line.toString());
    }

    private static void log(Context context, LogLevel level, String message) {
        LambdaLogger logger = context == null ? null : context.getLogger();
        if (logger != null) {
            logger.log(message, level);
        }
    }

    private static String describe(Throwable failure) {
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        return "Unexpected failure: " + trace;
    }
}
