package io.datamart.error;

/**
 * The organization has used up its requests for the current window: the client should
 * wait {@link #retryAfterSeconds()} (when the window ends) and send the request again.
 * Nothing was read or written for it.
 */
public final class RequestLimitExceededException extends DatamartException {
    private final long retryAfterSeconds;

    public RequestLimitExceededException(int limit, long windowSeconds, long retryAfterSeconds) {
        super("Request limit reached: at most " + limit + " requests per organization every " + windowSeconds
                + " seconds; retry after " + retryAfterSeconds + " s");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
