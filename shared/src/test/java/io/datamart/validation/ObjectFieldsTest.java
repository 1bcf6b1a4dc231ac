package io.datamart.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.datamart.domain.ClientColumnType;
import io.datamart.error.Violation;
import io.datamart.testing.Fixtures;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Reading one object's fields: what a caller gets back, and what is reported at which path. */
class ObjectFieldsTest {
    /** What reading field {@code a} as a required non-empty array returned, and what it reported. */
    private record Read(List<JsonNode> elements, List<Violation> violations) {
    }

    private static Read requiredArray(String json) {
        Violations violations = new Violations();
        List<JsonNode> elements =
                ObjectFields.of(Fixtures.object(json), "", Set.of("a"), violations).requiredNonEmptyArray("a");
        return new Read(elements, violations.listed());
    }

    @Test
    void readsAnOptionalEnumWhenPresentAndNothingWhenAbsent() {
        Violations violations = new Violations();
        ObjectFields fields = ObjectFields.of(Fixtures.object("{\"type\": \"STRING\"}"), "", Set.of("type"), violations);

        assertEquals(ClientColumnType.STRING, fields.optionalEnum("type", ClientColumnType.values()));
        assertNull(fields.optionalEnum("absent", ClientColumnType.values()));
        assertEquals(List.of(), violations.listed());
    }

    @Test
    void readsNothingFromARequiredArrayThatIsAbsentOrNull() {
        // Null, not an empty list: the caller's "nothing to read" (the violation is already reported).
        for (String json : List.of("{}", "{\"a\": null}")) {
            Read read = requiredArray(json);
            assertNull(read.elements(), json);
            assertEquals(List.of(new Violation("a", "is required and must be a non-empty array")), read.violations(),
                    json);
        }
    }

    @Test
    void readsNothingFromARequiredArrayThatIsEmpty() {
        Read read = requiredArray("{\"a\": []}");
        assertNull(read.elements());
        assertEquals(List.of(new Violation("a", "must not be empty")), read.violations());
    }

    @Test
    void readsEachElementOfANonEmptyArray() {
        assertEquals(new Read(List.of(IntNode.valueOf(1), TextNode.valueOf("b")), List.of()),
                requiredArray("{\"a\": [1, \"b\"]}"));
    }

    @Test
    void describesAnAbsentValueAsMissingAndABooleanAsItsValue() {
        assertEquals("missing", ObjectFields.describe(null));
        assertEquals("missing", ObjectFields.describe(MissingNode.getInstance()));
        assertEquals("true", ObjectFields.describe(BooleanNode.TRUE));
        assertEquals("false", ObjectFields.describe(BooleanNode.FALSE));
    }
}
