package io.datamart.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.domain.WireValue;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads the fields of one JSON object under strict typing, reporting each problem at
 * its JSON path and returning null for a field that is absent or unusable, so that
 * reading goes on and every violation of the request is found in one pass.
 */
final class ObjectFields {
    private final JsonNode node;
    private final String path;
    private final Violations violations;

    private ObjectFields(JsonNode node, String path, Violations violations) {
        this.node = node;
        this.path = path;
        this.violations = violations;
    }

    /**
     * The object at {@code path}, after reporting each of its fields that is not in
     * {@code allowed}; null (with a violation) if {@code node} is not an object.
     */
    static ObjectFields of(JsonNode node, String path, Set<String> allowed, Violations violations) {
        if (node == null || !node.isObject()) {
            violations.add(path, "must be an object, not " + describe(node));
            return null;
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                String hint = Suggestions.closest(name, allowed).map(s -> " (did you mean '" + s + "'?)").orElse("");
                violations.add(JsonPaths.field(path, name), "is not a known field" + hint);
            }
        }
        return new ObjectFields(node, path, violations);
    }

    String path(String field) {
        return JsonPaths.field(path, field);
    }

    Violations violations() {
        return violations;
    }

    boolean has(String field) {
        return node.has(field);
    }

    JsonNode get(String field) {
        return node.get(field);
    }

    /** A string that must be present and not blank (blank counts as missing). */
    String requiredString(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            violations.add(path(field), "is required");
            return null;
        }
        String text = string(field, value);
        if (text != null && Strings.isBlank(text)) {
            violations.add(path(field), "is required and must not be empty or blank");
            return null;
        }
        return text;
    }

    /** A string that may be absent; null is not accepted in its place. */
    String optionalString(String field) {
        JsonNode value = node.get(field);
        return value == null ? null : string(field, value);
    }

    /** A string that may be absent or null, both read as null. */
    String nullableString(String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : string(field, value);
    }

    Boolean optionalBoolean(String field) {
        JsonNode value = node.get(field);
        if (value == null) {
            return null;
        }
        if (!value.isBoolean()) {
            violations.add(path(field), "must be true or false, not " + describe(value));
            return null;
        }
        return value.booleanValue();
    }

    <E extends Enum<E> & WireValue> E requiredEnum(String field, E[] values) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            violations.add(path(field), "is required: one of " + list(values));
            return null;
        }
        return enumValue(field, value, values);
    }

    /** An enumerated value that may be absent; null is not accepted in its place. */
    <E extends Enum<E> & WireValue> E optionalEnum(String field, E[] values) {
        JsonNode value = node.get(field);
        return value == null ? null : enumValue(field, value, values);
    }

    /** An enumerated value that may be absent or null. */
    <E extends Enum<E> & WireValue> E nullableEnum(String field, E[] values) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : enumValue(field, value, values);
    }

    /** A non-empty array; each element is for the caller to read. */
    List<JsonNode> requiredNonEmptyArray(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            violations.add(path(field), "is required and must be a non-empty array");
            return null;
        }
        List<JsonNode> elements = array(field, value);
        if (elements != null && elements.isEmpty()) {
            violations.add(path(field), "must not be empty");
            return null;
        }
        return elements;
    }

    /** An array that may be absent (null returned) or empty; null is not accepted in its place. */
    List<JsonNode> optionalArray(String field) {
        JsonNode value = node.get(field);
        return value == null ? null : array(field, value);
    }

    private List<JsonNode> array(String field, JsonNode value) {
        if (!value.isArray()) {
            violations.add(path(field), "must be an array, not " + describe(value));
            return null;
        }
        List<JsonNode> elements = new ArrayList<>(value.size());
        value.forEach(elements::add);
        return elements;
    }

    private String string(String field, JsonNode value) {
        if (!value.isTextual()) {
            violations.add(path(field), "must be a string, not " + describe(value));
            return null;
        }
        String text = value.textValue();
        if (!Strings.isWellFormedUnicode(text)) {
            violations.add(path(field), "must be valid Unicode: it contains an unpaired surrogate");
            return null;
        }
        return text;
    }

    private <E extends Enum<E> & WireValue> E enumValue(String field, JsonNode value, E[] values) {
        if (value.isTextual()) {
            for (E candidate : values) {
                if (candidate.wire().equals(value.textValue())) {
                    return candidate;
                }
            }
        }
        violations.add(path(field), "must be one of " + list(values) + ", not " + describe(value));
        return null;
    }

    private static <E extends WireValue> String list(E[] values) {
        return java.util.Arrays.stream(values).map(WireValue::wire).collect(Collectors.joining(", "));
    }

    /** How a value looks to a reader of an error message. */
    static String describe(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "missing";
        }
        return switch (value.getNodeType()) {
            case NULL -> "null";
            case BOOLEAN -> value.booleanValue() ? "true" : "false";
            case NUMBER -> "a number";
            case STRING -> "'" + Strings.quotable(value.textValue(), 40) + "'";
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            default -> "a " + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
