package io.datamart.error;

/** The event names a method and path this function does not serve (a wiring mistake). */
public final class RouteNotFoundException extends DatamartException {
    public RouteNotFoundException(String method, String path) {
        super("No route for " + method + " " + path);
    }
}
