package io.datamart.persistence;

import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Short constructors and readers for the attribute values this project stores. */
final class AttributeValues {
    private static final AttributeValue NULL = AttributeValue.fromNul(true);

    private AttributeValues() {
    }

    static AttributeValue string(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue nullableString(String value) {
        return value == null ? NULL : AttributeValue.fromS(value);
    }

    static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    static AttributeValue bool(boolean value) {
        return AttributeValue.fromBool(value);
    }

    static AttributeValue map(Map<String, AttributeValue> value) {
        return AttributeValue.fromM(value);
    }

    static AttributeValue list(List<AttributeValue> value) {
        return AttributeValue.fromL(value);
    }

    /** A string attribute, null when absent or stored as NULL. */
    static String stringOrNull(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || Boolean.TRUE.equals(value.nul()) ? null : value.s();
    }

    static Boolean booleanOrNull(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.bool();
    }
}
