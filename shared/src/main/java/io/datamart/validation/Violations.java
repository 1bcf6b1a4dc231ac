package io.datamart.validation;

import io.datamart.error.InvalidRequestException;
import io.datamart.error.Violation;
import java.util.ArrayList;
import java.util.List;

/** Collects every violation of one request, in the order the body was read. */
final class Violations {
    private final List<Violation> found = new ArrayList<>();

    void add(String path, String message) {
        found.add(new Violation(path, message));
    }

    boolean isEmpty() {
        return found.isEmpty();
    }

    void throwIfAny() {
        if (!found.isEmpty()) {
            throw InvalidRequestException.of(found);
        }
    }
}
