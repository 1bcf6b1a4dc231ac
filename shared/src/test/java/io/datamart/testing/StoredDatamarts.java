package io.datamart.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.domain.Datamart;
import io.datamart.domain.DatamartDefinition;
import io.datamart.domain.DatamartUpdate;
import io.datamart.persistence.DatamartItems;
import io.datamart.validation.DatamartValidator;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Datamarts as the tests set them up and read them back: seeding without going through
 * a function under test, reading the stored item, and what a body should store.
 */
public final class StoredDatamarts {
    private static final DatamartValidator VALIDATOR = new DatamartValidator();

    private StoredDatamarts() {
    }

    /** Stores a datamart the way create does, for the tests of update and delete. */
    public static void seed(LocalDynamoDb db, String organizationId, JsonNode createBody) {
        Fixtures.api(db).service().create(organizationId, createBody);
    }

    /** The documented datamart, "sales-analytics", in the demo organization. */
    public static void seedDocumented(LocalDynamoDb db) {
        seed(db, Fixtures.DEMO_ORG, Fixtures.documentedCreateBody());
    }

    /** The stored datamart read back through the store's own mapping; null if absent. */
    public static Datamart stored(LocalDynamoDb db, String organizationId, String name) {
        Map<String, AttributeValue> item = db.rawDatamart(organizationId, name);
        return item == null ? null : DatamartItems.fromItem(item);
    }

    /** What a valid create body must store: the definition the validator accepts. */
    public static DatamartDefinition accepted(JsonNode createBody) {
        return VALIDATOR.validateCreate(createBody);
    }

    public static DatamartUpdate acceptedUpdate(JsonNode updateBody) {
        return VALIDATOR.validateUpdate(updateBody);
    }

    /** The contract's replace semantics: each part the update sent replaces the stored one, the rest stays. */
    public static DatamartDefinition afterUpdate(DatamartDefinition before, DatamartUpdate update) {
        return new DatamartDefinition(before.name(), before.datasourceName(),
                update.tableList() != null ? update.tableList() : before.tableList(),
                update.tenancySettings() != null ? update.tenancySettings() : before.tenancySettings(),
                update.relationships() != null ? update.relationships() : before.relationships());
    }
}
