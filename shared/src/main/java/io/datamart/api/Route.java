package io.datamart.api;

import java.util.Optional;
import java.util.Set;

/** Every route of the contract and of the read side, with its operation. template.yaml wires the same set. */
public enum Route {
    CREATE("POST", "/api/v2/data-app/datamarts", Operation.CREATE, false),
    UPDATE("PUT", "/api/v2/data-app/datamarts", Operation.UPDATE, false),
    DELETE("DELETE", "/api/v2/data-app/datamarts", Operation.DELETE, false),
    DELETE_ALIAS("DELETE", "/api/v2/data-app/datamart", Operation.DELETE, false),
    LEGACY_CREATE("POST", "/api/v2/dataApp/datamarts", Operation.CREATE, true),
    LEGACY_UPDATE("PUT", "/api/v2/dataApp/datamarts", Operation.UPDATE, true),
    LEGACY_DELETE("POST", "/api/v2/dataApp/datamart/delete", Operation.DELETE, true),
    LIST("GET", "/api/v2/data-app/datamarts", Operation.LIST, false),
    GET("GET", "/api/v2/data-app/datamarts/{name}", Operation.GET, false),
    LIST_VERSIONS("GET", "/api/v2/data-app/datamarts/{name}/versions", Operation.LIST_VERSIONS, false),
    GET_VERSION("GET", "/api/v2/data-app/datamarts/{name}/versions/{n}", Operation.GET_VERSION, false);

    private final String method;
    private final String path;
    private final Operation operation;
    private final boolean legacy;

    Route(String method, String path, Operation operation, boolean legacy) {
        this.method = method;
        this.path = path;
        this.operation = operation;
        this.legacy = legacy;
    }

    /** The route of one of {@code operations} with this method and (template) path. */
    public static Optional<Route> find(Set<Operation> operations, String method, String path) {
        for (Route route : values()) {
            if (operations.contains(route.operation) && route.method.equalsIgnoreCase(method)
                    && route.path.equals(path)) {
                return Optional.of(route);
            }
        }
        return Optional.empty();
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    public Operation operation() {
        return operation;
    }

    /** Legacy routes behave like the new ones and announce their successor. */
    public boolean legacy() {
        return legacy;
    }

    /** POST and PUT carry a JSON body; DELETE and GET take their input from the query or path. */
    public boolean takesBody() {
        return "POST".equals(method) || "PUT".equals(method);
    }
}
