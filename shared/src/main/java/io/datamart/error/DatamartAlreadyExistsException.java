package io.datamart.error;

public final class DatamartAlreadyExistsException extends DatamartException {
    public DatamartAlreadyExistsException() {
        super("Datamart name already exists");
    }
}
