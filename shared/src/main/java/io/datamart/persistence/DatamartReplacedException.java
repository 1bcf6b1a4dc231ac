package io.datamart.persistence;

/**
 * The datamart an update was validated against was deleted and created again before the
 * update's write: the caller validates against the new one and tries again.
 */
public final class DatamartReplacedException extends RuntimeException {
    public DatamartReplacedException() {
        super("the datamart was replaced between the update's read and its write", null, false, false);
    }
}
