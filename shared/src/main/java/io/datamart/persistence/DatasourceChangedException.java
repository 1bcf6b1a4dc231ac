package io.datamart.persistence;

/**
 * A create's datasource is no longer at the revision its catalog was validated against
 * (changed, or removed): nothing was written; validate against it as it is now.
 */
public final class DatasourceChangedException extends RuntimeException {
    public DatasourceChangedException() {
        super("the datasource changed after its catalog was read", null, false, false);
    }
}
