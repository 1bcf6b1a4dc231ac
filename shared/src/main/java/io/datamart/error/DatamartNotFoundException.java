package io.datamart.error;

public final class DatamartNotFoundException extends DatamartException {
    public DatamartNotFoundException() {
        super("Datamart not found");
    }
}
