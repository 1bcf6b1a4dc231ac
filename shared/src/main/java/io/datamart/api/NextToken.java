package io.datamart.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.error.InvalidRequestException;
import io.datamart.persistence.DatamartRepository;
import io.datamart.validation.Strings;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/**
 * Where a list that did not fit one response goes on: after the datamart named
 * {@code afterName}, for {@code remaining} more (null: to the end), with or without
 * details. Clients see it only as an opaque string (base64url of a small JSON object),
 * which this class alone writes and reads. It holds no organization: the caller's
 * token decides whose datamarts it walks.
 */
public record NextToken(String afterName, Integer remaining, boolean expandDetails) {
    private static final Set<String> FIELDS = Set.of("after", "remaining", "expandDetails");
    /** A name of up to 255 characters, encoded: anything longer was not written here. */
    private static final int MAX_LENGTH = 2_048;

    public NextToken {
        if (remaining != null && remaining < 1) {
            throw new IllegalArgumentException("a continuation has something left to list: " + remaining);
        }
    }

    String encode() {
        ObjectNode json = Json.MAPPER.createObjectNode().put("after", afterName);
        if (remaining != null) {
            json.put("remaining", remaining);
        }
        json.put("expandDetails", expandDetails);
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(json.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The continuation a {@code nextToken} value stands for; 400 for any value this API did not give out. */
    static NextToken decode(String token) {
        if (token.isEmpty() || token.length() > MAX_LENGTH) {
            throw notOurs();
        }
        JsonNode json;
        try {
            String text = Strings.strictUtf8(Base64.getUrlDecoder().decode(token));
            json = text == null ? null : Json.MAPPER.readTree(text);
        } catch (IllegalArgumentException | java.io.IOException unreadable) {
            throw notOurs();
        }
        if (json == null || !json.isObject() || !FIELDS.containsAll(fieldNames(json))) {
            throw notOurs();
        }
        JsonNode after = json.path("after");
        JsonNode remaining = json.path("remaining");
        JsonNode expand = json.path("expandDetails");
        boolean wellFormed = after.isTextual() && DatamartRepository.isStorableName(after.textValue())
                && expand.isBoolean()
                && (remaining.isMissingNode() || remaining.isInt() && remaining.intValue() >= 1
                        && remaining.intValue() <= ListOptions.PAGE_SIZE);
        if (!wellFormed) {
            throw notOurs();
        }
        return new NextToken(after.textValue(), remaining.isMissingNode() ? null : remaining.intValue(),
                expand.booleanValue());
    }

    private static Set<String> fieldNames(JsonNode json) {
        Set<String> names = new java.util.HashSet<>();
        json.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static InvalidRequestException notOurs() {
        return InvalidRequestException.of("nextToken is not one this API gave out: send the value of the "
                + "previous response's nextToken as it was, URL-encoded");
    }
}
