package io.datamart.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.datamart.persistence.TableNames.Table;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The tables a function is given, and its check at init that the ones it needs are named. */
class TableNamesTest {
    private static final TableNames DATAMARTS_ONLY = TableNames.fromEnvironment(Map.of(
            TableNames.DATAMARTS_VARIABLE, "datamarts-table", TableNames.DATASOURCES_VARIABLE, " "));

    @Test
    void answersTheSameNamesOnceTheNeededTablesAreNamed() {
        TableNames checked = DATAMARTS_ONLY.require(Table.DATAMARTS);

        assertSame(DATAMARTS_ONLY, checked);
        assertEquals("datamarts-table", checked.datamarts());
    }

    @Test
    void refusesATableThatIsBlankOrNotNamedNamingItsVariable() {
        IllegalStateException blank = assertThrows(IllegalStateException.class,
                () -> DATAMARTS_ONLY.require(Table.DATAMARTS, Table.DATASOURCES));
        assertEquals("environment variable DATASOURCES_TABLE is not set", blank.getMessage());

        IllegalStateException absent = assertThrows(IllegalStateException.class,
                () -> DATAMARTS_ONLY.require(Table.SERVICE_TOKENS));
        assertEquals("environment variable SERVICE_TOKENS_TABLE is not set", absent.getMessage());
    }
}
