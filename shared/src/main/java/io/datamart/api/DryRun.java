package io.datamart.api;

import io.datamart.error.InvalidRequestException;
import io.datamart.error.Violation;
import java.util.List;

/**
 * {@code ?dryRun=true} on create and update: every check of the real request, its answer,
 * plus {@code Dry-Run: true}, and nothing written. A delete refuses the parameter rather
 * than ignore it, as ignoring it would delete.
 */
final class DryRun {
    static final String PARAMETER = "dryRun";
    static final String HEADER = "Dry-Run";

    private DryRun() {
    }

    /**
     * Whether the request asks for a dry run.
     *
     * @throws InvalidRequestException the parameter is not one {@code true} or {@code false},
     *         or it is sent to a delete
     */
    static boolean requested(Route route, ApiRequest request) {
        Operation operation = route.operation();
        if (!operation.writes()) {
            return false; // reads write nothing anyway
        }
        List<String> values = request.query().getOrDefault(PARAMETER, List.of());
        if (values.isEmpty()) {
            return false;
        }
        if (operation == Operation.DELETE) {
            throw refused("is for create and update only: a delete cannot be tried");
        }
        if (values.size() != 1 || !(values.get(0).equals("true") || values.get(0).equals("false"))) {
            throw refused("must be given once, as true or false");
        }
        return values.get(0).equals("true");
    }

    private static InvalidRequestException refused(String message) {
        return InvalidRequestException.of(List.of(new Violation(PARAMETER, PARAMETER + " " + message)));
    }
}
