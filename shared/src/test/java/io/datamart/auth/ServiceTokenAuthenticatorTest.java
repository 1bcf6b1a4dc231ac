package io.datamart.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.datamart.error.AuthenticationException;
import io.datamart.testing.FaultInjectingDynamoDbClient;
import io.datamart.testing.Fixtures;
import io.datamart.testing.LocalDynamoDb;
import io.datamart.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** Bearer service tokens against the test AWS's table, with the warm-invocation cache under a test clock. */
class ServiceTokenAuthenticatorTest {
    private static final Duration TTL = Duration.ofSeconds(30);
    private static final FaultInjectingDynamoDbClient.Operation GET_ITEM = FaultInjectingDynamoDbClient.Operation.GET_ITEM;
    private static final List<String> RAW_TOKENS = List.of(Fixtures.DEMO_TOKEN, Fixtures.OTHER_TOKEN,
            Fixtures.REVOKED_TOKEN, Fixtures.EXPIRED_TOKEN);


    private LocalDynamoDb db;
    private FaultInjectingDynamoDbClient client;
    private ServiceTokenRepository tokens;
    private MutableClock clock;

    @BeforeEach
    void freshDatabase() {
        db = Fixtures.freshDatabase();
        client = new FaultInjectingDynamoDbClient(db.client());
        tokens = new ServiceTokenRepository(client, db.tables());
        clock = new MutableClock(Instant.now());
    }

    private ServiceTokenAuthenticator authenticator(Duration ttl) {
        return new ServiceTokenAuthenticator(tokens, clock, ttl);
    }

    private ServiceTokenAuthenticator authenticator() {
        return authenticator(TTL);
    }

    private static void assertRefused(ServiceTokenAuthenticator authenticator, String header) {
        assertThrows(AuthenticationException.class, () -> authenticator.authenticate(header),
                () -> "accepted Authorization: " + header);
    }

    private void revokeInDynamoDb(String token, Instant at) {
        ServiceToken stored = tokens.find(ServiceTokenHashes.sha256(token)).orElseThrow();
        tokens.save(new ServiceToken(stored.tokenHash(), stored.tokenId(), stored.name(), stored.organizationId(), stored.createdAt(),
                stored.expiresAt(), at));
    }

    // ---------------------------------------------------------------------------------------------
    // Accepted
    // ---------------------------------------------------------------------------------------------

    @Test
    void resolvesAValidTokenToItsOrganization() {
        assertEquals(Fixtures.DEMO_ORG, authenticator().authenticate("Bearer " + Fixtures.DEMO_TOKEN).organizationId());
        assertEquals(Fixtures.OTHER_ORG, authenticator().authenticate("Bearer " + Fixtures.OTHER_TOKEN).organizationId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer", "bearer", "BEARER", "bEaReR"})
    void acceptsTheSchemeWordInAnyCase(String scheme) {
        assertEquals(Fixtures.DEMO_ORG, authenticator().authenticate(scheme + " " + Fixtures.DEMO_TOKEN).organizationId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer  %s", "  Bearer %s  ", "Bearer %s\t"})
    void toleratesExtraSpacesAroundTheToken(String format) {
        assertEquals(Fixtures.DEMO_ORG, authenticator().authenticate(format.formatted(Fixtures.DEMO_TOKEN)).organizationId());
    }

    @Test
    void acceptsATokenThatHasNotExpiredYet() {
        tokens.save(Fixtures.token("dbn_live_short_lived", Fixtures.DEMO_ORG, clock.instant(),
                clock.instant().plusSeconds(5), null));
        assertEquals(Fixtures.DEMO_ORG, authenticator().authenticate("Bearer dbn_live_short_lived").organizationId());
    }

    // ---------------------------------------------------------------------------------------------
    // Refused
    // ---------------------------------------------------------------------------------------------

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   ", "\t"})
    void refusesAMissingHeader(String header) {
        AuthenticationException refused =
                assertThrows(AuthenticationException.class, () -> authenticator().authenticate(header));
        assertTrue(refused.getMessage().contains("Missing"), refused::getMessage);
        assertEquals(0, client.calls(GET_ITEM), "nothing to look up");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Basic xyz", "Basic ZGVtbzpwYXNz", "Bearer", "Bearer ", "Bearer    ",
            "Bearer dbn_live_local_demo_token extra", "Bearer dbn_live local_demo_token", "Bearerdbn_live_local_demo_token",
            "Token dbn_live_local_demo_token", "dbn_live_local_demo_token", "Bearer\tdbn_live_local_demo_token",
            "Bearer dbn_live_local_demo_tökén", "Bearer dbn_live_local_demo_token, Bearer x",
            // Not a service token: wrong prefix, prefix case, too short, a character outside base64url, too long.
            "Bearer local_demo_token", "Bearer DBN_LIVE_LOCAL_DEMO_TOKEN", "Bearer dbn_live_short",
            "Bearer dbn_live_local.demo.token", "Bearer dbn_live_local_demo_token="})
    void refusesAMalformedHeaderWithoutReadingDynamoDb(String header) {
        assertRefused(authenticator(), header);
        assertEquals(0, client.calls(GET_ITEM));
    }

    @ParameterizedTest
    @ValueSource(ints = {129, 400, 504})
    void refusesAnOverlongTokenWithoutReadingDynamoDb(int length) {
        assertRefused(authenticator(), "Bearer dbn_live_" + "a".repeat(length));
        assertEquals(0, client.calls(GET_ITEM));
    }

    @Test
    void acceptsEveryTokenLengthTheFormatAllows() {
        for (String token : List.of("dbn_live_" + "a".repeat(8), "dbn_live_" + "Z-_9".repeat(32))) {
            tokens.save(Fixtures.token(token, Fixtures.OTHER_ORG, clock.instant(), null, null));
            assertEquals(Fixtures.OTHER_ORG, authenticator().authenticate("Bearer " + token).organizationId());
        }
    }

    @Test
    void namesTheExpectedFormatWhenRefusingAMalformedToken() {
        AuthenticationException refused = assertThrows(AuthenticationException.class,
                () -> authenticator().authenticate("Bearer sk_live_abcdefgh"));
        assertTrue(refused.getMessage().contains(ServiceTokenFormat.DESCRIPTION), refused::getMessage);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dbn_live_unknown_token", "dbn_live_LOCAL_DEMO_TOKEN", "dbn_live_local_demo_toke",
            "dbn_live_local_demo_token_"})
    void refusesAnUnknownToken(String token) {
        assertRefused(authenticator(), "Bearer " + token);
    }

    @Test
    void refusesARevokedToken() {
        assertRefused(authenticator(), "Bearer " + Fixtures.REVOKED_TOKEN);
    }

    @Test
    void refusesAnExpiredToken() {
        assertRefused(authenticator(), "Bearer " + Fixtures.EXPIRED_TOKEN);
    }

    @Test
    void refusesATokenAtTheMomentItExpires() {
        tokens.save(Fixtures.token("dbn_live_expiring", Fixtures.DEMO_ORG, clock.instant(), clock.instant(), null));
        assertRefused(authenticator(Duration.ZERO), "Bearer dbn_live_expiring");
    }

    @Test
    void neverEchoesTheTokenInTheFailureMessage() {
        for (String token : List.of(Fixtures.REVOKED_TOKEN, Fixtures.EXPIRED_TOKEN, "dbn_live_unknown_secret")) {
            AuthenticationException refused = assertThrows(AuthenticationException.class,
                    () -> authenticator().authenticate("Bearer " + token));
            assertFalse(refused.getMessage().contains(token), refused::getMessage);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Storage: hashes only
    // ---------------------------------------------------------------------------------------------

    @Test
    void hashesWithLowerCaseHexSha256() {
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ServiceTokenHashes.sha256("abc"));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", ServiceTokenHashes.sha256(""));
    }

    @Test
    void storesOnlySha256HashesOfTheTokens() {
        List<Map<String, AttributeValue>> items = db.client()
                .scan(r -> r.tableName(db.tables().serviceTokens()).consistentRead(true)).items();
        assertEquals(RAW_TOKENS.size(), items.size());
        for (Map<String, AttributeValue> item : items) {
            for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
                String value = attribute.getValue().s();
                for (String token : RAW_TOKENS) {
                    assertFalse(value != null && value.contains(token),
                            () -> "attribute " + attribute.getKey() + " holds the raw token " + token);
                }
            }
            assertTrue(item.get("tokenHash").s().matches("[0-9a-f]{64}"), item::toString);
        }
        assertEquals(RAW_TOKENS.stream().map(ServiceTokenHashes::sha256).sorted().toList(),
                items.stream().map(item -> item.get("tokenHash").s()).sorted().toList());
    }

    // ---------------------------------------------------------------------------------------------
    // The cache
    // ---------------------------------------------------------------------------------------------

    @Test
    void readsDynamoDbOnceWithinTheTtl() {
        ServiceTokenAuthenticator authenticator = authenticator();
        for (int i = 0; i < 5; i++) {
            assertEquals(Fixtures.DEMO_ORG, authenticator.authenticate("Bearer " + Fixtures.DEMO_TOKEN).organizationId());
            clock.advance(Duration.ofSeconds(5));
        }
        assertEquals(1, client.calls(GET_ITEM), "four of five requests were answered from the cache");
    }

    @Test
    void readsAgainOnceTheTtlHasPassed() {
        ServiceTokenAuthenticator authenticator = authenticator();
        authenticator.authenticate("Bearer " + Fixtures.DEMO_TOKEN);
        clock.advance(TTL);
        authenticator.authenticate("Bearer " + Fixtures.DEMO_TOKEN);
        assertEquals(2, client.calls(GET_ITEM));
    }

    @Test
    void cachesEachTokenSeparately() {
        ServiceTokenAuthenticator authenticator = authenticator();
        assertEquals(Fixtures.DEMO_ORG, authenticator.authenticate("Bearer " + Fixtures.DEMO_TOKEN).organizationId());
        assertEquals(Fixtures.OTHER_ORG, authenticator.authenticate("Bearer " + Fixtures.OTHER_TOKEN).organizationId());
        assertEquals(Fixtures.DEMO_ORG, authenticator.authenticate("bearer " + Fixtures.DEMO_TOKEN).organizationId());
        assertEquals(Fixtures.OTHER_ORG, authenticator.authenticate("BEARER " + Fixtures.OTHER_TOKEN).organizationId());
        assertEquals(2, client.calls(GET_ITEM));
    }

    @Test
    void holdsAsManyTokensAsItsBoundAndStartsAfreshWithTheNext() {
        List<String> raw = List.of(Fixtures.DEMO_TOKEN, Fixtures.OTHER_TOKEN, "dbn_live_cached_3", "dbn_live_cached_4");
        saveInBatches(raw.subList(2, 4));
        ServiceTokenAuthenticator authenticator = new ServiceTokenAuthenticator(tokens, clock, TTL, 3, 10);
        raw.subList(0, 3).forEach(token -> authenticator.authenticate("Bearer " + token));
        raw.subList(0, 3).forEach(token -> authenticator.authenticate("Bearer " + token));
        assertEquals(3, client.calls(GET_ITEM), "three tokens fit");

        authenticator.authenticate("Bearer " + raw.get(3));
        authenticator.authenticate("Bearer " + raw.get(3));
        assertEquals(4, client.calls(GET_ITEM), "the fourth token emptied the cache and is remembered itself");
        authenticator.authenticate("Bearer " + raw.get(0));
        assertEquals(5, client.calls(GET_ITEM), "the first is read again");
    }

    @Test
    void holdsAThousandTokensAndStartsAfreshWithTheNext() {
        List<String> raw = java.util.stream.IntStream.rangeClosed(1, 1001)
                .mapToObj(i -> "dbn_live_cached_%04d".formatted(i)).toList();
        saveInBatches(raw);
        ServiceTokenAuthenticator authenticator = authenticator();
        raw.subList(0, 1000).forEach(token -> authenticator.authenticate("Bearer " + token));
        assertEquals(1000, client.calls(GET_ITEM));

        authenticator.authenticate("Bearer " + raw.get(0));
        assertEquals(1000, client.calls(GET_ITEM), "the first of 1,000 tokens is still cached");

        authenticator.authenticate("Bearer " + raw.get(1000));
        authenticator.authenticate("Bearer " + raw.get(0));
        assertEquals(1002, client.calls(GET_ITEM), "the 1,001st token emptied the cache: the first is read again");
    }

    /** Valid tokens of the other organization, written 25 to a call: the reads are what the test counts. */
    private void saveInBatches(List<String> raw) {
        for (int from = 0; from < raw.size(); from += 25) {
            List<WriteRequest> puts = raw.subList(from, Math.min(from + 25, raw.size())).stream()
                    .map(token -> WriteRequest.builder().putRequest(put -> put.item(Map.of(
                            "tokenHash", AttributeValue.fromS(ServiceTokenHashes.sha256(token)),
                            "organizationId", AttributeValue.fromS(Fixtures.OTHER_ORG),
                            "createdAt", AttributeValue.fromS(clock.instant().toString())))).build())
                    .toList();
            db.client().batchWriteItem(batch -> batch.requestItems(Map.of(db.tables().serviceTokens(), puts)));
        }
    }

    @Test
    void keepsARevokedTokenWorkingUntilItsCacheEntryAgesOut() {
        ServiceTokenAuthenticator authenticator = authenticator();
        assertEquals(Fixtures.DEMO_ORG, authenticator.authenticate("Bearer " + Fixtures.DEMO_TOKEN).organizationId());
        revokeInDynamoDb(Fixtures.DEMO_TOKEN, clock.instant());

        clock.advance(TTL.minusMillis(1));
        assertEquals(Fixtures.DEMO_ORG, authenticator.authenticate("Bearer " + Fixtures.DEMO_TOKEN).organizationId(),
                "the documented price of the cache: at most one TTL of grace");

        clock.advance(Duration.ofMillis(1));
        assertRefused(authenticator, "Bearer " + Fixtures.DEMO_TOKEN);
        assertRefused(authenticator, "Bearer " + Fixtures.DEMO_TOKEN);
    }

    @Test
    void refusesARevokedTokenAtOnceInAnotherExecutionEnvironment() {
        authenticator().authenticate("Bearer " + Fixtures.DEMO_TOKEN);
        revokeInDynamoDb(Fixtures.DEMO_TOKEN, clock.instant());
        assertRefused(authenticator(), "Bearer " + Fixtures.DEMO_TOKEN);
    }

    @Test
    void enforcesExpiryEvenForACachedToken() {
        tokens.save(Fixtures.token("dbn_live_ten_seconds", Fixtures.DEMO_ORG, clock.instant(),
                clock.instant().plusSeconds(10), null));
        ServiceTokenAuthenticator authenticator = authenticator();
        assertEquals(Fixtures.DEMO_ORG, authenticator.authenticate("Bearer dbn_live_ten_seconds").organizationId());
        clock.advance(Duration.ofSeconds(9));
        assertEquals(Fixtures.DEMO_ORG, authenticator.authenticate("Bearer dbn_live_ten_seconds").organizationId());
        assertEquals(1, client.calls(GET_ITEM), "still answered from the cache");

        clock.advance(Duration.ofSeconds(1));
        assertRefused(authenticator, "Bearer dbn_live_ten_seconds");
        assertEquals(1, client.calls(GET_ITEM), "refused from the cached entry, well within the TTL");
    }

    @Test
    void disablesTheCacheWithAZeroTtl() {
        ServiceTokenAuthenticator authenticator = authenticator(Duration.ZERO);
        assertEquals(Fixtures.DEMO_ORG, authenticator.authenticate("Bearer " + Fixtures.DEMO_TOKEN).organizationId());
        assertEquals(Fixtures.DEMO_ORG, authenticator.authenticate("Bearer " + Fixtures.DEMO_TOKEN).organizationId());
        assertEquals(2, client.calls(GET_ITEM), "every request reads DynamoDB");

        revokeInDynamoDb(Fixtures.DEMO_TOKEN, clock.instant());
        assertRefused(authenticator, "Bearer " + Fixtures.DEMO_TOKEN);
    }

    @Test
    void remembersARefusalForAShortTimeThenReadsAgain() {
        ServiceTokenAuthenticator authenticator = authenticator();
        for (int i = 0; i < 3; i++) {
            assertRefused(authenticator, "Bearer dbn_live_brand_new");
        }
        assertEquals(1, client.calls(GET_ITEM), "a bad token retried in a loop costs one read");

        tokens.save(Fixtures.token("dbn_live_brand_new", Fixtures.OTHER_ORG, clock.instant(), null, null));
        clock.advance(ServiceTokenAuthenticator.MAX_REFUSAL_TTL.minusMillis(1));
        assertRefused(authenticator, "Bearer dbn_live_brand_new");
        clock.advance(Duration.ofMillis(1));
        assertEquals(Fixtures.OTHER_ORG, authenticator.authenticate("Bearer dbn_live_brand_new").organizationId(),
                "a token issued after it was first tried works once the refusal ages out");
        assertEquals(2, client.calls(GET_ITEM));
    }

    @Test
    void remembersEachRefusedTokenSeparately() {
        ServiceTokenAuthenticator authenticator = authenticator();
        for (int i = 0; i < 2; i++) {
            assertRefused(authenticator, "Bearer dbn_live_refused_one");
            assertRefused(authenticator, "Bearer dbn_live_refused_two");
        }
        assertEquals(2, client.calls(GET_ITEM), "one read per refused token");
    }

    @Test
    void remembersAsManyRefusalsAsItsBoundAndStartsAfreshWithTheNext() {
        ServiceTokenAuthenticator authenticator = new ServiceTokenAuthenticator(tokens, clock, TTL, 10, 3);
        List<String> refused = List.of("dbn_live_refused_1", "dbn_live_refused_2", "dbn_live_refused_3",
                "dbn_live_refused_4");
        for (int i = 0; i < 2; i++) {
            refused.subList(0, 3).forEach(token -> assertRefused(authenticator, "Bearer " + token));
        }
        assertEquals(3, client.calls(GET_ITEM), "three refusals fit");
        assertEquals(3, authenticator.remembered());

        assertRefused(authenticator, "Bearer " + refused.get(3));
        assertRefused(authenticator, "Bearer " + refused.get(3));
        assertEquals(4, client.calls(GET_ITEM), "the fourth refusal emptied the cache and is remembered itself");
        assertEquals(1, authenticator.remembered());
        assertRefused(authenticator, "Bearer " + refused.get(0));
        assertEquals(5, client.calls(GET_ITEM), "the first is read again");
    }

    @Test
    void countsTheTokensAndRefusalsItRemembers() {
        ServiceTokenAuthenticator authenticator = authenticator();
        assertEquals(0, authenticator.remembered());
        authenticator.authenticate("Bearer " + Fixtures.DEMO_TOKEN);
        assertRefused(authenticator, "Bearer " + Fixtures.REVOKED_TOKEN);
        assertEquals(2, authenticator.remembered(), "one accepted token and one refused");
    }

    @Test
    void remembersARevokedTokenAsRefused() {
        ServiceTokenAuthenticator authenticator = authenticator();
        assertRefused(authenticator, "Bearer " + Fixtures.REVOKED_TOKEN);
        assertRefused(authenticator, "Bearer " + Fixtures.REVOKED_TOKEN);
        assertEquals(1, client.calls(GET_ITEM));
        assertEquals(Fixtures.DEMO_ORG, authenticator.authenticate("Bearer " + Fixtures.DEMO_TOKEN).organizationId(),
                "another token is unaffected");
    }

    @Test
    void remembersARefusalNoLongerThanTheCacheTtl() {
        ServiceTokenAuthenticator authenticator = authenticator(Duration.ofSeconds(1));
        assertRefused(authenticator, "Bearer dbn_live_brand_new");
        tokens.save(Fixtures.token("dbn_live_brand_new", Fixtures.OTHER_ORG, clock.instant(), null, null));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Fixtures.OTHER_ORG, authenticator.authenticate("Bearer dbn_live_brand_new").organizationId());
    }

    @Test
    void remembersNoRefusalWithAZeroTtlSoANewTokenWorksAtOnce() {
        ServiceTokenAuthenticator authenticator = authenticator(Duration.ZERO);
        assertRefused(authenticator, "Bearer dbn_live_brand_new");
        assertRefused(authenticator, "Bearer dbn_live_brand_new");
        assertEquals(2, client.calls(GET_ITEM));
        tokens.save(Fixtures.token("dbn_live_brand_new", Fixtures.OTHER_ORG, clock.instant(), null, null));
        assertEquals(Fixtures.OTHER_ORG, authenticator.authenticate("Bearer dbn_live_brand_new").organizationId());
    }

    @Test
    void letsTheDynamoDbFailureThroughRatherThanAnAuthenticationFailure() {
        client.fail(GET_ITEM, 1, () -> new IllegalStateException("DynamoDB is down"));
        assertThrows(IllegalStateException.class,
                () -> authenticator().authenticate("Bearer " + Fixtures.DEMO_TOKEN),
                "an outage is a 500, not a refused token");
    }
}
