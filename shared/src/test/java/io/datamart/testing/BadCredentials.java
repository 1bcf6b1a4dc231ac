package io.datamart.testing;

/**
 * Every way a request can fail to authenticate: missing, malformed, unknown, revoked or
 * expired token. Each case knows the Authorization header it sends (none for MISSING) and
 * a word its error message must contain.
 */
public enum BadCredentials {
    MISSING(null, "missing"),
    BLANK("   ", "missing"),
    MALFORMED_BASIC("Basic x", "malformed"),
    MALFORMED_BEARER_WITHOUT_TOKEN("Bearer", "malformed"),
    MALFORMED_TOKEN_WITH_SPACE("Bearer dbn_live local", "malformed"),
    UNKNOWN("Bearer " + BadCredentials.UNKNOWN_TOKEN, "invalid"),
    REVOKED("Bearer " + Fixtures.REVOKED_TOKEN, "revoked"),
    EXPIRED("Bearer " + Fixtures.EXPIRED_TOKEN, "expired");

    /** A well-formed token that no organization owns. */
    public static final String UNKNOWN_TOKEN = "dbn_live_nobody_owns_this_token";

    private final String authorization;
    private final String messageWord;

    BadCredentials(String authorization, String messageWord) {
        this.authorization = authorization;
        this.messageWord = messageWord;
    }

    /** The call with this case's Authorization header, or none. */
    public ApiCall apply(ApiCall call) {
        return authorization == null ? call : call.header("Authorization", authorization);
    }

    /** What the error message must mention, ignoring case. */
    public String messageWord() {
        return messageWord;
    }
}
