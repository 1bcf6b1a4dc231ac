package io.datamart.validation;

import io.datamart.error.InvalidRequestException;
import io.datamart.error.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Collects every violation of one request, in the order the body was read, listing at
 * most {@link #MAX_LISTED}: a body of thousands of broken columns gets a useful answer,
 * not an error response too large for Lambda (6 MB) to return.
 */
final class Violations {
    static final int MAX_LISTED = 100;
    /** Custom-column SQL one body may hold in total: parsing is the costly part of validation. */
    static final int MAX_SQL_CHARACTERS = 100_000;

    private final List<Violation> found = new ArrayList<>();
    private int unlisted;
    private long sqlCharacters;

    void add(String path, String message) {
        if (found.size() < MAX_LISTED) {
            found.add(new Violation(path, message));
        } else {
            unlisted++;
        }
    }

    /** The same, making the message (a "did you mean" search, say) only if it is to be listed. */
    void add(String path, Supplier<String> message) {
        if (found.size() < MAX_LISTED) {
            found.add(new Violation(path, message.get()));
        } else {
            unlisted++;
        }
    }

    /** Another collector that goes on from what this one found so far. */
    Violations copy() {
        Violations copy = new Violations();
        copy.found.addAll(found);
        copy.unlisted = unlisted;
        copy.sqlCharacters = sqlCharacters;
        return copy;
    }

    /** The violations listed so far (at most {@link #MAX_LISTED}), without the count of the rest. */
    List<Violation> listed() {
        return List.copyOf(found);
    }

    boolean isEmpty() {
        return found.isEmpty();
    }

    /** Counts a custom column's sql against the body's budget; false once the budget is spent. */
    boolean withinSqlBudget(String sql) {
        sqlCharacters += sql.length();
        return sqlCharacters <= MAX_SQL_CHARACTERS;
    }

    void throwIfAny() {
        if (unlisted > 0) {
            List<Violation> listed = new ArrayList<>(found);
            listed.add(new Violation("", "and " + unlisted + " more problems, not listed"));
            throw InvalidRequestException.of(listed);
        }
        if (!found.isEmpty()) {
            throw InvalidRequestException.of(found);
        }
    }
}
