package io.datamart.error;

/**
 * The datamart is not at a version the request's {@code If-Match} names: another change
 * landed since the client read it. Nothing was written; the answer says the version now
 * stored, so the client can read it again and decide.
 */
public final class PreconditionFailedException extends DatamartException {
    private final long currentVersion;

    public PreconditionFailedException(long currentVersion) {
        super("Datamart is at version " + currentVersion + ", not the one in If-Match");
        this.currentVersion = currentVersion;
    }

    public long currentVersion() {
        return currentVersion;
    }
}
