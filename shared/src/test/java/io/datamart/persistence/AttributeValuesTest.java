package io.datamart.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The attribute values this project writes, and how absent or NULL ones read back. */
class AttributeValuesTest {
    @Test
    void makesANativeListOfTheValuesInTheirOrder() {
        List<AttributeValue> values = List.of(AttributeValues.string("b"), AttributeValues.number(7),
                AttributeValues.bool(false));

        assertEquals(AttributeValue.fromL(values), AttributeValues.list(values));
    }

    @Test
    void readsAnAbsentOrNullStringAsNull() {
        Map<String, AttributeValue> item = Map.of("set", AttributeValues.nullableString("x"),
                "null", AttributeValues.nullableString(null));

        assertEquals("x", AttributeValues.stringOrNull(item, "set"));
        assertNull(AttributeValues.stringOrNull(item, "null"));
        assertNull(AttributeValues.stringOrNull(item, "absent"));
    }
}
