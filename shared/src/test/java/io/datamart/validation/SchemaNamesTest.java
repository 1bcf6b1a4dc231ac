package io.datamart.validation;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What SchemaNames keeps of the table list: whether it was sent, and whether it could be read. */
class SchemaNamesTest {
    @Test
    void knowsNothingOfATableListNotSent() {
        SchemaNames names = new SchemaNames();
        assertFalse(names.tableListSent());
        assertFalse(names.tableListReadable());
    }

    @Test
    void keepsWhetherTheTableListSentCouldBeRead() {
        // A readable list says where each table name is; an unreadable one leaves every schema unknown.
        SchemaNames readable = new SchemaNames();
        readable.tableListSent(true);
        assertTrue(readable.tableListSent());
        assertTrue(readable.tableListReadable());

        SchemaNames unreadable = new SchemaNames();
        unreadable.tableListSent(false);
        assertTrue(unreadable.tableListSent());
        assertFalse(unreadable.tableListReadable());
    }
}
