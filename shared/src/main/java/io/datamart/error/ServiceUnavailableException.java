package io.datamart.error;

/**
 * A request that could not be completed for now, through no fault of its own: DynamoDB
 * throttled it or did not answer in time, or the invocation's time ran out. The client
 * should wait {@link #retryAfterSeconds()} and send it again. Whether a change may have
 * been applied is said in the message: only when a write itself went unanswered.
 */
public final class ServiceUnavailableException extends DatamartException {
    /** What a client is told to wait: throttling and slow answers pass within seconds. */
    public static final long RETRY_AFTER_SECONDS = 2;

    private final String cause;

    private ServiceUnavailableException(String message, String cause) {
        super(message);
        this.cause = cause;
    }

    /** The time left was too short for the next call; nothing was changed by this request. */
    public static ServiceUnavailableException outOfTime() {
        return new ServiceUnavailableException("The request ran out of time before it could be completed; nothing "
                + "was changed. Retry after " + RETRY_AFTER_SECONDS + " s", "the invocation's time budget was spent");
    }

    /** DynamoDB refused the call (throttling, a server error); nothing was changed by it. */
    public static ServiceUnavailableException busy(Throwable cause) {
        return new ServiceUnavailableException("The database is busy; nothing was changed. Retry after "
                + RETRY_AFTER_SECONDS + " s", describe(cause));
    }

    /** A read went unanswered (timed out, connection failed); nothing was changed. */
    public static ServiceUnavailableException unanswered(Throwable cause) {
        return new ServiceUnavailableException("The database did not answer in time; nothing was changed. Retry after "
                + RETRY_AFTER_SECONDS + " s", describe(cause));
    }

    /** A write went unanswered, or DynamoDB failed while making it: it may have been applied. */
    public static ServiceUnavailableException writeUnanswered(Throwable cause) {
        return new ServiceUnavailableException("The database did not confirm the change in time; it may or may not "
                + "have been applied. Read the datamart before retrying", describe(cause));
    }

    public long retryAfterSeconds() {
        return RETRY_AFTER_SECONDS;
    }

    /** What went wrong underneath, for the logs (never for the client). */
    public String internalCause() {
        return cause;
    }

    private static String describe(Throwable cause) {
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
