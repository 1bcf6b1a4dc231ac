package io.datamart.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;

/** The contract's "a token is never logged" (nor stored), checked against every line any function logged. */
public final class TokenLogs {
    /** Every token the tests send, valid or not. */
    public static final List<String> TOKENS = List.of(Fixtures.DEMO_TOKEN, Fixtures.OTHER_TOKEN,
            Fixtures.REVOKED_TOKEN, Fixtures.EXPIRED_TOKEN, BadCredentials.UNKNOWN_TOKEN);

    private TokenLogs() {
    }

    /** Fails if a raw token is stored anywhere: tokens are kept only as their SHA-256 hash. */
    public static void assertNoTokenStored(LocalDynamoDb db) {
        String everything = db.snapshot().toString();
        for (String token : TOKENS) {
            assertFalse(everything.contains(token), () -> "a raw token is stored: " + token);
        }
    }

    /** Fails if any logged line holds a raw token; also fails if nothing was logged, which proves nothing. */
    public static void assertNoTokenLogged() {
        List<String> lines = List.copyOf(TestContext.ALL_LOGS);
        assertFalse(lines.isEmpty(), "the functions logged nothing, so the check would prove nothing");
        for (String line : lines) {
            for (String token : TOKENS) {
                assertFalse(line.contains(token), () -> "a raw token was logged: " + line);
            }
        }
    }
}
