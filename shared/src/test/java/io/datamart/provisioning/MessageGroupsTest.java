package io.datamart.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MessageGroupsTest {
    @Test
    void groupsByOrganizationAndNameReadablyWhenSqsAcceptsIt() {
        assertEquals("demo/sales", MessageGroups.groupId("demo", "sales"));
    }

    @Test
    void hashesWhatSqsWouldRefuseButKeepsOneGroupPerDatamart() {
        String spaced = MessageGroups.groupId("demo", "sales by region");
        String unicode = MessageGroups.groupId("demo", "ventes_été");
        String longName = MessageGroups.groupId("demo", "n".repeat(200));
        for (String group : new String[] {spaced, unicode, longName}) {
            assertTrue(group.matches("sha256:[0-9a-f]{64}"), group);
            assertTrue(MessageGroups.isValidId(group), group);
        }
        assertEquals(spaced, MessageGroups.groupId("demo", "sales by region"));
        assertNotEquals(spaced, MessageGroups.groupId("acme", "sales by region"));
    }

    @Test
    void keepsOrganizationAndNameApartWhenHashing() {
        assertNotEquals(MessageGroups.groupId("a b", "c"), MessageGroups.groupId("a", "b c"));
    }

    @Test
    void putsRequestsThatNameNoDatamartInOneGroup() {
        assertEquals(MessageGroups.UNIDENTIFIED, MessageGroups.groupId(null, "sales"));
        assertEquals(MessageGroups.UNIDENTIFIED, MessageGroups.groupId("demo", null));
    }

    @Test
    void keepsAValidDeduplicationIdAndHashesAnInvalidOne() {
        assertEquals("6a7e8feb-b491-4cf7-a9f1-bf3703467718",
                MessageGroups.deduplicationId("6a7e8feb-b491-4cf7-a9f1-bf3703467718"));
        assertTrue(MessageGroups.deduplicationId("{\"a\": 1}").matches("[0-9a-f]{64}"));
        assertTrue(MessageGroups.deduplicationId("x".repeat(129)).matches("[0-9a-f]{64}"));
    }

    @Test
    void acceptsAnIdOfUpTo128PrintableAsciiCharacters() {
        assertTrue(MessageGroups.isValidId("x".repeat(MessageGroups.MAX_ID_LENGTH)));
        assertFalse(MessageGroups.isValidId("x".repeat(MessageGroups.MAX_ID_LENGTH + 1)));
        assertTrue(MessageGroups.isValidId("!"), "the first printable character");
        assertTrue(MessageGroups.isValidId("~"), "the last printable character");
        assertFalse(MessageGroups.isValidId(" "));
        assertFalse(MessageGroups.isValidId("\u007f"));
    }
}
