package io.datamart.error;

import java.util.List;

/**
 * The request breaks the contract. Carries every violation found, so a client can fix
 * them all in one round trip; a problem with no useful location (the body is not JSON,
 * say) carries none.
 */
public final class InvalidRequestException extends DatamartException {
    private final List<Violation> violations;

    private InvalidRequestException(String message, List<Violation> violations) {
        super(message);
        this.violations = List.copyOf(violations);
    }

    /** A problem with the request as a whole; nothing to list in {@code details}. */
    public static InvalidRequestException of(String message) {
        return new InvalidRequestException(message, List.of());
    }

    public static InvalidRequestException of(List<Violation> violations) {
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("an invalid request needs at least one violation");
        }
        String message = violations.size() == 1
                ? "Invalid request body: " + violations.get(0).describe()
                : "Invalid request body: " + violations.size() + " problems, the first: "
                        + violations.get(0).describe();
        return new InvalidRequestException(message, violations);
    }

    public List<Violation> violations() {
        return violations;
    }
}
