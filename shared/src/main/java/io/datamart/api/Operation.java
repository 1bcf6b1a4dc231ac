package io.datamart.api;

/**
 * The operations, with what the contract makes differ between them: the status and
 * code of an authentication failure, and the code of "no such datamart".
 */
public enum Operation {
    CREATE(400, "AUTH_ERROR", null),
    UPDATE(401, "INVALID_DATA_APP_API_KEY", "INVALID_DATAMART"),
    DELETE(401, "AUTH_ERROR", "INVALID_REQUEST_BODY"),
    /** List Datamarts, read side; authenticates like delete. */
    LIST(401, "AUTH_ERROR", null),
    /** Get one datamart, read side. */
    GET(401, "AUTH_ERROR", "INVALID_DATAMART"),
    /** List a datamart's kept versions, read side. */
    LIST_VERSIONS(401, "AUTH_ERROR", "INVALID_DATAMART"),
    /** Get one kept version, read side. */
    GET_VERSION(401, "AUTH_ERROR", "INVALID_DATAMART");

    private final int authFailureStatus;
    private final String authFailureCode;
    private final String notFoundCode;

    Operation(int authFailureStatus, String authFailureCode, String notFoundCode) {
        this.authFailureStatus = authFailureStatus;
        this.authFailureCode = authFailureCode;
        this.notFoundCode = notFoundCode;
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

    /** Whether it changes datamarts, and so takes an Idempotency-Key. */
    public boolean writes() {
        return this == CREATE || this == UPDATE || this == DELETE;
    }
}
