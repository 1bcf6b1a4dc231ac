package io.datamart.error;

/**
 * Every outcome a client is told about other than success. Sealed so that the one
 * place that turns outcomes into responses ({@code io.datamart.api.ErrorResponses})
 * is checked by the compiler to handle them all.
 */
public abstract sealed class DatamartException extends RuntimeException
        permits AuthenticationException, ConcurrentModificationException, DatamartAlreadyExistsException,
                DatamartNotFoundException, DatasourceNotFoundException, IdempotencyKeyInUseException,
                IdempotencyKeyReusedException, InvalidRequestException, PreconditionFailedException,
                RequestLimitExceededException,
                RouteNotFoundException, ServiceUnavailableException {

    protected DatamartException(String message) {
        // No stack trace: these are expected outcomes, built often, never logged with a trace.
        super(message, null, false, false);
    }
}
