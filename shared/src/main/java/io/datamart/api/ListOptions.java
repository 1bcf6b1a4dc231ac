package io.datamart.api;

import io.datamart.error.InvalidRequestException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The List Datamarts query: {@code isPagination} ("true": pages of {@link #PAGE_SIZE}),
 * {@code pageNumber} (1-based), {@code expandDetails} (default true). Values are
 * checked as strictly as bodies are; an unknown parameter is refused by name.
 */
public record ListOptions(boolean paginated, int pageNumber, boolean expandDetails) {
    public static final int PAGE_SIZE = 10;
    private static final Set<String> PARAMETERS = Set.of("isPagination", "pageNumber", "expandDetails");
    private static final int MAX_PAGE_NUMBER = 1_000_000;

    public static ListOptions from(Map<String, List<String>> query) {
        for (String name : query.keySet()) {
            if (!PARAMETERS.contains(name)) {
                throw InvalidRequestException.of("Unknown query parameter '"
                        + io.datamart.validation.Strings.quotable(name, 64)
                        + "'; List Datamarts takes isPagination, pageNumber and expandDetails");
            }
        }
        boolean paginated = bool(query, "isPagination", false);
        boolean expandDetails = bool(query, "expandDetails", true);
        int pageNumber = 1;
        String page = single(query, "pageNumber");
        if (page != null) {
            try {
                pageNumber = Integer.parseInt(page);
            } catch (NumberFormatException notANumber) {
                pageNumber = 0;
            }
            if (pageNumber < 1 || pageNumber > MAX_PAGE_NUMBER) {
                throw InvalidRequestException.of("pageNumber must be a whole number from 1 to " + MAX_PAGE_NUMBER);
            }
        }
        return new ListOptions(paginated, pageNumber, expandDetails);
    }

    /** How many datamarts to skip, in name order. */
    public int offset() {
        return paginated ? (pageNumber - 1) * PAGE_SIZE : 0;
    }

    /** How many datamarts to return at most. */
    public int limit() {
        return paginated ? PAGE_SIZE : Integer.MAX_VALUE;
    }

    private static boolean bool(Map<String, List<String>> query, String name, boolean absent) {
        String value = single(query, name);
        if (value == null) {
            return absent;
        }
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw InvalidRequestException.of(name + " must be \"true\" or \"false\"");
        };
    }

    private static String single(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw InvalidRequestException.of(name + " must be given once, not " + values.size() + " times");
        }
        return values.get(0);
    }
}
