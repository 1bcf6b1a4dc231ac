package io.datamart.api;

import io.datamart.error.InvalidRequestException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The List Datamarts query: {@code isPagination} ("true": pages of {@link #PAGE_SIZE}),
 * {@code pageNumber} (1-based), {@code expandDetails} (default true), or
 * {@code nextToken} to go on with a list that did not fit one response. Values are
 * checked as strictly as bodies are; an unknown parameter is refused by name.
 *
 * @param continuation the list to go on with; null when the request starts a list
 */
public record ListOptions(boolean paginated, int pageNumber, boolean expandDetails, NextToken continuation) {
    public static final int PAGE_SIZE = 10;
    private static final Set<String> PARAMETERS = Set.of("isPagination", "pageNumber", "expandDetails", "nextToken");
    private static final int MAX_PAGE_NUMBER = 1_000_000;

    public static ListOptions from(Map<String, List<String>> query) {
        for (String name : query.keySet()) {
            if (!PARAMETERS.contains(name)) {
                throw InvalidRequestException.of("Unknown query parameter '"
                        + io.datamart.validation.Strings.quotable(name, 64)
                        + "'; List Datamarts takes isPagination, pageNumber, expandDetails and nextToken");
            }
        }
        boolean paginated = bool(query, "isPagination", false);
        boolean expandDetails = bool(query, "expandDetails", true);
        String token = single(query, "nextToken");
        if (token != null) {
            if (query.containsKey("isPagination") || query.containsKey("pageNumber")) {
                throw InvalidRequestException.of("nextToken goes on with the list it came from, page and all: "
                        + "send it without isPagination and pageNumber");
            }
            NextToken continuation = NextToken.decode(token);
            if (continuation.expandDetails() != expandDetails) {
                throw InvalidRequestException.of("nextToken continues a list with expandDetails="
                        + continuation.expandDetails() + "; send the same expandDetails with it");
            }
            return new ListOptions(false, 1, expandDetails, continuation);
        }
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
        return new ListOptions(paginated, pageNumber, expandDetails, null);
    }

    /** How many datamarts to skip, in name order. */
    public int offset() {
        return paginated ? (pageNumber - 1) * PAGE_SIZE : 0;
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
