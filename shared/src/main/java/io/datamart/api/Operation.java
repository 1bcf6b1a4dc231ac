package io.datamart.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The three write operations, with what the contract makes differ between them: the
 * status and code of an authentication failure, the code of "no such datamart", and
 * the shape of the success body.
 */
public enum Operation {
    CREATE(400, "AUTH_ERROR", null, true),
    UPDATE(401, "INVALID_DATA_APP_API_KEY", "INVALID_DATAMART", false),
    DELETE(401, "AUTH_ERROR", "INVALID_REQUEST_BODY", true);

    private final int authFailureStatus;
    private final String authFailureCode;
    private final String notFoundCode;
    private final boolean successHasNullError;

    Operation(int authFailureStatus, String authFailureCode, String notFoundCode, boolean successHasNullError) {
        this.authFailureStatus = authFailureStatus;
        this.authFailureCode = authFailureCode;
        this.notFoundCode = notFoundCode;
        this.successHasNullError = successHasNullError;
    }

    int authFailureStatus() {
        return authFailureStatus;
    }

    String authFailureCode() {
        return authFailureCode;
    }

    String notFoundCode() {
        return notFoundCode;
    }

    /** {@code {"id": ..., "error": null}} for create and delete, {@code {"id": ...}} for update. */
    ObjectNode successBody(String id) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("id", id);
        if (successHasNullError) {
            body.putNull("error");
        }
        return body;
    }
}
