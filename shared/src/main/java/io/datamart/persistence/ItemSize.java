package io.datamart.persistence;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An item's size as DynamoDB counts it against its 400 KB limit: attribute names and
 * string values by their UTF-8 bytes, numbers by one byte per two significant digits
 * (rounded up, as Amazon's own engine counts) plus one, 1 byte for booleans and nulls, 3 bytes
 * plus 1 per element for maps and lists.
 */
public final class ItemSize {
    /** DynamoDB's maximum item size, 400 KB. */
    public static final int MAX_ITEM_BYTES = 400 * 1024;

    private ItemSize() {
    }

    public static long of(Map<String, AttributeValue> item) {
        long size = 0;
        for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
            size += utf8Length(attribute.getKey()) + of(attribute.getValue());
        }
        return size;
    }

    static long of(AttributeValue value) {
        return switch (value.type()) {
            case S -> utf8Length(value.s());
            case N -> (significantDigits(value.n()) + 1) / 2 + 1;
            case BOOL, NUL -> 1;
            case M -> 3 + value.m().size() + of(value.m());
            case L -> 3 + value.l().stream().mapToLong(element -> 1 + of(element)).sum();
            default -> throw new IllegalArgumentException("not a type this project stores: " + value.type());
        };
    }

    /** Digits that count: no sign, point or exponent, no leading or trailing zeros. */
    private static int significantDigits(String number) {
        String mantissa = number.split("[eE]", 2)[0].replace("-", "").replace("+", "");
        String digits = mantissa.replace(".", "").replaceFirst("^0+", "").replaceFirst("0+$", "");
        return Math.max(1, digits.length());
    }

    private static long utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
