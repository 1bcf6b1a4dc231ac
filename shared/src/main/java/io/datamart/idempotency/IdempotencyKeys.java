package io.datamart.idempotency;

import io.datamart.error.InvalidRequestException;
import java.time.Duration;

/**
 * The keys requests are made idempotent by, one namespace per way in: an HTTP request's
 * {@code Idempotency-Key} header, or a provisioning request's correlation id (the
 * message's own id when the producer sent none). Both are per organization.
 */
public final class IdempotencyKeys {
    /** The header, as API Gateway's HTTP API hands header names over: lower case. */
    public static final String HEADER = "idempotency-key";
    public static final int MAX_LENGTH = 255;
    /** How long an HTTP key is kept: at least a day, as the contract promises. */
    public static final Duration HTTP_KEPT_FOR = Duration.ofHours(24);
    /**
     * How long a provisioning message's record is kept: longer than the queue keeps a
     * message (4 days), and as long as the dead-letter queue does (14 days), counted from
     * the first try.
     */
    public static final Duration MESSAGE_KEPT_FOR = Duration.ofDays(14);

    private IdempotencyKeys() {
    }

    /** The record key of an {@code Idempotency-Key} header value; 400 when it breaks the contract's format. */
    public static String http(String headerValue) {
        boolean printable = !headerValue.isEmpty() && headerValue.length() <= MAX_LENGTH
                && headerValue.chars().allMatch(c -> c >= 0x20 && c <= 0x7E) && !headerValue.isBlank();
        if (!printable) {
            throw InvalidRequestException.of("Idempotency-Key must be 1 to " + MAX_LENGTH
                    + " printable ASCII characters; the one sent has " + headerValue.length() + " characters"
                    + (headerValue.chars().allMatch(c -> c >= 0x20 && c <= 0x7E) ? "" : ", some not printable ASCII"));
        }
        return "http:" + headerValue;
    }

    /** The record key of a provisioning request. */
    public static String message(String correlationId) {
        return "message:" + correlationId;
    }
}
