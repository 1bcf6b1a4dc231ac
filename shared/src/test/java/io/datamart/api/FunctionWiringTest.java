package io.datamart.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.datamart.events.EventBridgePublisher;
import io.datamart.persistence.TableNames;
import io.datamart.provisioning.ProvisioningForwarder;
import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiResult;
import io.datamart.testing.Databases;
import io.datamart.testing.Fixtures;
import io.datamart.testing.LocalDynamoDb;
import io.datamart.testing.StoredDatamarts;
import io.datamart.testing.Template;
import io.datamart.testing.TestAws;
import io.datamart.wiring.DatamartApi;
import io.datamart.wiring.DatamartProvisioning;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each function wired from exactly the environment template.yaml gives it (its tables
 * pointed at the test AWS, nothing added): it starts and serves with the tables it is
 * given, and one that lacks a table it needs refuses to start, naming the variable.
 */
class FunctionWiringTest {
    private LocalDynamoDb db;

    @BeforeEach
    void freshTables() {
        db = Databases.fresh();
    }

    /** What the template gives the function, its Refs resolved to the test AWS; the token cache off. */
    private Map<String, String> environmentOf(String functionId) {
        Map<String, String> environment = new HashMap<>(Template.load().function(functionId, true).orElseThrow()
                .environment());
        environment.replace(DatamartApi.TOKEN_CACHE_TTL_VARIABLE, "0");
        environment.put(EventBridgePublisher.ENDPOINT_VARIABLE, db.endpoint().toString());
        environment.put(ProvisioningForwarder.ENDPOINT_VARIABLE, db.endpoint().toString());
        return TestAws.instance().withQueueUrls(environment);
    }

    @Test
    void theDeleteFunctionServesWithoutTheDatasourcesTable() {
        Map<String, String> environment = environmentOf("DeleteDatamartFunction");
        assertTrue(!environment.containsKey(TableNames.DATASOURCES_VARIABLE));
        StoredDatamarts.seedDocumented(db);
        ApiGatewayHandler handler = DatamartApi.create(db.client(), environment, Clock.systemUTC())
                .handler(Operation.DELETE);

        ApiResult deleted = ApiCall.httpApi("DELETE", "/api/v2/data-app/datamarts").bearer(Fixtures.DEMO_TOKEN)
                .query("datamartName", "sales-analytics").invoke(handler::handle);

        assertEquals(200, deleted.status(), deleted::toString);
    }

    @Test
    void theProvisioningFunctionStartsWithoutTheTokensTable() {
        Map<String, String> environment = environmentOf("ProvisionDatamartsFunction");
        assertTrue(!environment.containsKey(TableNames.SERVICE_TOKENS_VARIABLE));
        DatamartProvisioning.pipeline(DatamartApi.create(db.client(), environment, Clock.systemUTC()));
    }

    @ParameterizedTest
    @ValueSource(strings = {TableNames.DATAMARTS_VARIABLE, TableNames.DATASOURCES_VARIABLE,
        TableNames.SERVICE_TOKENS_VARIABLE})
    void aCreateFunctionWithoutATableItUsesRefusesToStartNamingIt(String variable) {
        Map<String, String> environment = environmentOf("CreateDatamartFunction");
        environment.remove(variable);
        DatamartApi api = DatamartApi.create(db.client(), environment, Clock.systemUTC());

        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> api.handler(Operation.CREATE));

        assertEquals("environment variable " + variable + " is not set", refused.getMessage());
    }

    @Test
    void aProvisioningFunctionWithoutTheDatasourcesTableRefusesToStart() {
        Map<String, String> environment = environmentOf("ProvisionDatamartsFunction");
        environment.remove(TableNames.DATASOURCES_VARIABLE);
        DatamartApi api = DatamartApi.create(db.client(), environment, Clock.systemUTC());

        assertEquals("environment variable DATASOURCES_TABLE is not set",
                assertThrows(IllegalStateException.class, () -> DatamartProvisioning.pipeline(api)).getMessage());
    }
}
