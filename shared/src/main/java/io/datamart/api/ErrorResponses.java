package io.datamart.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.error.AuthenticationException;
import io.datamart.error.ConcurrentModificationException;
import io.datamart.error.DatamartAlreadyExistsException;
import io.datamart.error.DatamartException;
import io.datamart.error.DatamartNotFoundException;
import io.datamart.error.DatasourceNotFoundException;
import io.datamart.error.IdempotencyKeyInUseException;
import io.datamart.error.IdempotencyKeyReusedException;
import io.datamart.error.InvalidRequestException;
import io.datamart.error.PreconditionFailedException;
import io.datamart.error.RequestLimitExceededException;
import io.datamart.error.RouteNotFoundException;
import io.datamart.error.ServiceUnavailableException;
import io.datamart.error.Violation;
import java.util.List;

/** The one place where outcomes become status codes, error codes and bodies. */
public final class ErrorResponses {
    static final String INVALID_REQUEST_BODY = "INVALID_REQUEST_BODY";

    private ErrorResponses() {
    }

    public static ApiResponse of(DatamartException outcome, Operation operation) {
        return of(outcome, operation, null);
    }

    /**
     * The response for an outcome; a 503 also carries {@code requestId} (when known), as
     * every 5xx does, to find the request's log lines by.
     */
    public static ApiResponse of(DatamartException outcome, Operation operation, String requestId) {
        return switch (outcome) {
            case AuthenticationException auth ->
                    error(operation.authFailureStatus(), operation.authFailureCode(), auth.getMessage(), List.of());
            case InvalidRequestException invalid ->
                    error(400, INVALID_REQUEST_BODY, invalid.getMessage(), invalid.violations());
            case DatamartAlreadyExistsException exists -> error(400, INVALID_REQUEST_BODY, exists.getMessage(), List.of());
            case DatamartNotFoundException missing ->
                    error(400, operation.notFoundCode(), missing.getMessage(), List.of());
            case DatasourceNotFoundException datasource ->
                    error(400, "DATASOURCE_NAME_ERROR", datasource.getMessage(), List.of());
            case RouteNotFoundException route -> error(404, "NOT_FOUND", route.getMessage(), List.of());
            case ConcurrentModificationException lost ->
                    error(409, "CONCURRENT_MODIFICATION", lost.getMessage(), List.of());
            case IdempotencyKeyInUseException running ->
                    error(409, "IDEMPOTENCY_KEY_IN_USE", running.getMessage(), List.of());
            case PreconditionFailedException stale -> {
                ApiResponse response = error(412, "PRECONDITION_FAILED", stale.getMessage(), List.of())
                        .withHeader(EntityTags.ETAG, EntityTags.of(stale.currentVersion()));
                ((ObjectNode) response.body().path("error")).put("currentVersion", stale.currentVersion());
                yield response;
            }
            case IdempotencyKeyReusedException reused ->
                    error(422, "IDEMPOTENCY_KEY_REUSED", reused.getMessage(), List.of());
            case RequestLimitExceededException limited ->
                    error(429, "TOO_MANY_REQUESTS", limited.getMessage(), List.of())
                            .withHeader("Retry-After", Long.toString(limited.retryAfterSeconds()));
            case ServiceUnavailableException unavailable ->
                    withRequestId(error(503, "SERVICE_UNAVAILABLE", unavailable.getMessage(), List.of()), requestId)
                            .withHeader("Retry-After", Long.toString(unavailable.retryAfterSeconds()));
        };
    }

    /** A failure nobody planned for: a request id to find the logs by, and nothing internal. */
    public static ApiResponse unexpected(String requestId) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.putObject("error")
                .put("code", "INTERNAL_SERVER_ERROR")
                .put("message", "Unexpected failure")
                .put("requestId", requestId);
        return ApiResponse.json(500, body);
    }

    private static ApiResponse withRequestId(ApiResponse response, String requestId) {
        if (requestId != null) {
            ((ObjectNode) response.body().path("error")).put("requestId", requestId);
        }
        return response;
    }

    private static ApiResponse error(int status, String code, String message, List<Violation> details) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ObjectNode error = body.putObject("error").put("code", code).put("message", message);
        if (!details.isEmpty()) {
            ArrayNode list = error.putArray("details");
            details.forEach(violation -> list.addObject()
                    .put("path", violation.path())
                    .put("message", violation.message()));
        }
        return ApiResponse.json(status, body);
    }
}
