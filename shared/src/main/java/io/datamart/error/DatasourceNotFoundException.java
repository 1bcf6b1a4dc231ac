package io.datamart.error;

public final class DatasourceNotFoundException extends DatamartException {
    public DatasourceNotFoundException() {
        super("Invalid datasource name");
    }
}
