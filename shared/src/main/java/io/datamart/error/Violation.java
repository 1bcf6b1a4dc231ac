package io.datamart.error;

import java.util.Objects;

/**
 * One broken rule: where in the request ({@code tableList[0].columns}, or "" for the
 * body as a whole) and what is wrong there.
 */
public record Violation(String path, String message) {
    public Violation {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    /** "tableList[0].columns must not be empty", or the bare message for the whole body. */
    public String describe() {
        return path.isEmpty() ? message : path + " " + message;
    }
}
