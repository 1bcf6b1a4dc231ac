package io.datamart.persistence;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which names can be a DynamoDB sort key: the limit is on UTF-8 bytes, not characters. */
class KeysTest {
    @Test
    void takesANameOfUpTo1024Utf8Bytes() {
        assertTrue(Keys.isStorableName("é".repeat(512)), "1024 bytes in 512 characters");
        assertFalse(Keys.isStorableName("é".repeat(512) + "a"), "1025 bytes");
        assertTrue(Keys.isStorableName("a".repeat(1024)));
        assertFalse(Keys.isStorableName("a".repeat(1025)));
    }

    @Test
    void refusesAnEmptyNameAndOneThatIsNotWellFormedUnicode() {
        assertFalse(Keys.isStorableName(""));
        assertFalse(Keys.isStorableName("a\uD800b"), "a lone surrogate has no UTF-8 form");
    }
}
