package io.datamart.functions.delete;

import io.datamart.api.Json;
import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiCall.Payload;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** The three ways to ask for a delete: the query routes and the legacy route with a JSON body. */
enum DeleteRoute {
    COLLECTION("DELETE", "/api/v2/data-app/datamarts", false),
    ALIAS("DELETE", "/api/v2/data-app/datamart", false),
    LEGACY("POST", "/api/v2/dataApp/datamart/delete", true);

    final String method;
    final String path;
    final boolean legacy;

    DeleteRoute(String method, String path, boolean legacy) {
        this.method = method;
        this.path = path;
        this.legacy = legacy;
    }

    /** A call, without credentials, naming the datamart where this route takes its name from. */
    ApiCall naming(Payload payload, String datamartName) {
        ApiCall call = ApiCall.to(payload, method, path);
        return legacy
                ? call.json(Json.MAPPER.createObjectNode().put("datamartName", datamartName).toString())
                : call.query("datamartName", datamartName);
    }

    /** (payload, route) for every pair. */
    static Stream<Arguments> withPayloads() {
        List<Arguments> arguments = new ArrayList<>();
        for (Payload payload : Payload.values()) {
            for (DeleteRoute route : values()) {
                arguments.add(Arguments.of(payload, route));
            }
        }
        return arguments.stream();
    }
}
