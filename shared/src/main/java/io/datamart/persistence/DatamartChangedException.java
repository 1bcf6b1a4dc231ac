package io.datamart.persistence;

/**
 * The datamart an update was validated against changed before the update's write: another
 * update landed (a new version), or it was deleted and created again. The caller
 * validates against what is stored now and tries again.
 */
public final class DatamartChangedException extends RuntimeException {
    public DatamartChangedException() {
        super("the datamart changed between the update's read and its write", null, false, false);
    }
}
