package io.datamart.testing;

import io.datamart.api.Operation;
import io.datamart.api.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Method and path pairs a function must answer with 404 NOT_FOUND: every route of the
 * other functions, plus near misses of its own routes. Arguments are (payload, method, path).
 */
public final class ForeignRoutes {
    private ForeignRoutes() {
    }

    public static Stream<Arguments> notServedByCreate() {
        return notServedBy(Operation.CREATE);
    }

    public static Stream<Arguments> notServedByUpdate() {
        return notServedBy(Operation.UPDATE);
    }

    public static Stream<Arguments> notServedByDelete() {
        return notServedBy(Operation.DELETE);
    }

    public static Stream<Arguments> notServedByRead() {
        return notServedBy(Operation.LIST, Operation.GET, Operation.LIST_VERSIONS, Operation.GET_VERSION);
    }

    static Stream<Arguments> notServedBy(Operation... served) {
        List<String[]> routes = new ArrayList<>();
        for (Route route : Route.values()) {
            if (!List.of(served).contains(route.operation())) {
                routes.add(new String[] {route.method(), route.path()});
            }
        }
        routes.add(new String[] {"PATCH", "/api/v2/data-app/datamarts"});
        routes.add(new String[] {"GET", "/api/v2/data-app/datamart"});
        routes.add(new String[] {"POST", "/api/v2/data-app/datamarts/extra"});
        routes.add(new String[] {"POST", "/api/v1/data-app/datamarts"});
        List<Arguments> arguments = new ArrayList<>();
        for (ApiCall.Payload payload : ApiCall.Payload.values()) {
            routes.forEach(route -> arguments.add(Arguments.of(payload, route[0], route[1])));
        }
        return arguments.stream();
    }
}
