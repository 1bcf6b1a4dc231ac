package io.datamart.functions.create;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiResult;
import io.datamart.testing.Fixtures;
import io.datamart.testing.LocalDynamoDb;
import org.junit.jupiter.api.Test;

class CreateDatamartSmokeTest {
    @Test
    void createsTheDocumentedDatamart() {
        LocalDynamoDb db = Fixtures.freshDatabase();
        CreateDatamartHandler handler = new CreateDatamartHandler(Fixtures.api(db));
        ApiResult result = ApiCall.httpApi("POST", "/api/v2/data-app/datamarts")
                .bearer(Fixtures.DEMO_TOKEN).json(Fixtures.DOCUMENTED_CREATE_BODY).invoke(handler);
        System.out.println(result + "\n" + result.context().logs());
        assertEquals(200, result.status());
        ApiResult again = ApiCall.httpApi("POST", "/api/v2/data-app/datamarts")
                .bearer(Fixtures.DEMO_TOKEN).json(Fixtures.DOCUMENTED_CREATE_BODY).invoke(handler);
        System.out.println(again);
    }
}
