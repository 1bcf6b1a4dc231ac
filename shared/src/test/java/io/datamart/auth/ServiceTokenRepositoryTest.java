package io.datamart.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.datamart.auth.ServiceTokenRepository.Expiry;
import io.datamart.auth.ServiceTokenRepository.Revocation;
import io.datamart.testing.FaultInjectingDynamoDbClient;
import io.datamart.testing.Fixtures;
import io.datamart.testing.LocalDynamoDb;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/** Service tokens stored, read, listed, revoked and given an expiry, against the test AWS's table. */
class ServiceTokenRepositoryTest {
    private static final String ORG = "rotation";
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private static final Instant IN_AN_HOUR = NOW.plus(Duration.ofHours(1));
    private static final FaultInjectingDynamoDbClient.Operation GET_ITEM = FaultInjectingDynamoDbClient.Operation.GET_ITEM;
    private static final FaultInjectingDynamoDbClient.Operation UPDATE_ITEM =
            FaultInjectingDynamoDbClient.Operation.UPDATE_ITEM;
    private static final FaultInjectingDynamoDbClient.Operation QUERY = FaultInjectingDynamoDbClient.Operation.QUERY;

    private LocalDynamoDb db;
    private FaultInjectingDynamoDbClient client;
    private ServiceTokenRepository tokens;

    @BeforeEach
    void freshDatabase() {
        db = Fixtures.freshDatabase();
        client = new FaultInjectingDynamoDbClient(db.client());
        tokens = new ServiceTokenRepository(client, db.tables());
    }

    /** A token of {@link #ORG} issued an hour ago, stored. */
    private ServiceToken saved(String raw, String tokenId, String name, Instant expiresAt, Instant revokedAt) {
        ServiceToken token = new ServiceToken(ServiceTokenHashes.sha256(raw), tokenId, name, ORG,
                NOW.minus(Duration.ofHours(1)), expiresAt, revokedAt);
        tokens.save(token);
        return token;
    }

    private ServiceToken stored(ServiceToken token) {
        return tokens.find(token.tokenHash()).orElseThrow();
    }

    private void setOnItem(ServiceToken token, String attribute, String value) {
        db.client().updateItem(request -> request.tableName(db.tables().serviceTokens())
                .key(Map.of("tokenHash", AttributeValue.fromS(token.tokenHash())))
                .updateExpression("SET #attribute = :value")
                .expressionAttributeNames(Map.of("#attribute", attribute))
                .expressionAttributeValues(Map.of(":value", AttributeValue.fromS(value))));
    }

    private void delete(ServiceToken token) {
        db.client().deleteItem(request -> request.tableName(db.tables().serviceTokens())
                .key(Map.of("tokenHash", AttributeValue.fromS(token.tokenHash()))));
    }

    private static ConditionalCheckFailedException conditionFailed() {
        return ConditionalCheckFailedException.builder().message("The conditional request failed").build();
    }

    // ---------------------------------------------------------------------------------------------
    // find and listByOrganization
    // ---------------------------------------------------------------------------------------------

    @Test
    void findsAStoredTokenWithItsNameAndDates() {
        ServiceToken token = saved("dbn_live_rotation_one", "tok-one", "nightly-loader", IN_AN_HOUR,
                NOW.minusSeconds(60));
        assertEquals(Optional.of(token), tokens.find(token.tokenHash()));
    }

    @Test
    void findsNoTokenUnderAnUnknownHash() {
        assertEquals(Optional.empty(), tokens.find(ServiceTokenHashes.sha256("dbn_live_nobody_holds_this")));
    }

    @Test
    void findsATokenWithoutANameAsNamedNothing() {
        ServiceToken token = saved("dbn_live_rotation_one", "tok-one", null, null, null);
        assertNull(stored(token).name());
        assertEquals("tok-one", stored(token).changeAuthor());
    }

    @ParameterizedTest
    @ValueSource(strings = {"two\nlines", " leading space", "trailing space ", "semi;colon", ""})
    void readsAMalformedNameAsNone(String name) {
        ServiceToken token = saved("dbn_live_rotation_one", "tok-one", name, null, null);
        ServiceToken found = stored(token);
        assertNull(found.name(), "a name written by hand that a token may not have");
        assertEquals(token.organizationId(), found.organizationId(), "the token itself is still found");
    }

    @Test
    void readsANameOfSixtyFourCharactersButNotOfSixtyFive() {
        String longest = "a".repeat(ServiceTokenFormat.MAX_NAME_LENGTH);
        assertEquals(longest, stored(saved("dbn_live_rotation_one", "tok-one", longest, null, null)).name());
        assertNull(stored(saved("dbn_live_rotation_two", "tok-two", longest + "a", null, null)).name());
    }

    @Test
    void listsTheOrganizationsTokensWithTheirNamesAndDatesInTokenIdOrder() {
        ServiceToken second = saved("dbn_live_rotation_two", "tok-2", null, null, NOW.minusSeconds(5));
        ServiceToken first = saved("dbn_live_rotation_one", "tok-1", "ci", IN_AN_HOUR, null);
        assertEquals(List.of(first, second), tokens.listByOrganization(ORG));
        assertEquals(List.of(), tokens.listByOrganization("nobody"));
    }

    // ---------------------------------------------------------------------------------------------
    // revoke
    // ---------------------------------------------------------------------------------------------

    @Test
    void revokesAToken() {
        ServiceToken token = saved("dbn_live_rotation_one", "tok-one", null, null, null);
        assertEquals(new Revocation(Revocation.Outcome.REVOKED, NOW), tokens.revoke(ORG, "tok-one", NOW));
        assertEquals(NOW, stored(token).revokedAt());
    }

    @Test
    void keepsTheFirstRevocationDateWhenRevokedAgain() {
        ServiceToken token = saved("dbn_live_rotation_one", "tok-one", null, null, NOW.minusSeconds(60));
        assertEquals(new Revocation(Revocation.Outcome.ALREADY_REVOKED, NOW.minusSeconds(60)),
                tokens.revoke(ORG, "tok-one", NOW));
        assertEquals(NOW.minusSeconds(60), stored(token).revokedAt());
    }

    @Test
    void revokesNothingUnderAnUnknownId() {
        ServiceToken token = saved("dbn_live_rotation_one", "tok-one", null, null, null);
        assertEquals(new Revocation(Revocation.Outcome.NOT_FOUND, null), tokens.revoke(ORG, "tok-unknown", NOW));
        assertEquals(token, stored(token));
    }

    @Test
    void neverRevokesATokenOfAnotherOrganization() {
        ServiceToken token = saved("dbn_live_rotation_one", "tok-one", null, null, null);
        assertEquals(new Revocation(Revocation.Outcome.NOT_FOUND, null),
                tokens.revoke(Fixtures.OTHER_ORG, "tok-one", NOW));
        assertEquals(token, stored(token));
    }

    @Test
    void leavesATokenMovedToAnotherOrganizationMeanwhileUntouched() {
        ServiceToken token = saved("dbn_live_rotation_one", "tok-one", null, null, null);
        client.beforeCall(UPDATE_ITEM, 1, () -> setOnItem(token, "organizationId", Fixtures.OTHER_ORG));
        assertEquals(new Revocation(Revocation.Outcome.NOT_FOUND, null), tokens.revoke(ORG, "tok-one", NOW));
        assertNull(stored(token).revokedAt());
        assertEquals(Fixtures.OTHER_ORG, stored(token).organizationId());
    }

    @Test
    void revokesEveryTokenSharingTheId() {
        ServiceToken earlier = saved("dbn_live_rotation_one", "tok-shared", null, null, NOW.minusSeconds(60));
        ServiceToken live = saved("dbn_live_rotation_two", "tok-shared", null, null, null);
        assertEquals(new Revocation(Revocation.Outcome.REVOKED, NOW), tokens.revoke(ORG, "tok-shared", NOW));
        assertEquals(NOW, stored(live).revokedAt());
        assertEquals(NOW.minusSeconds(60), stored(earlier).revokedAt());
    }

    @Test
    void reportsTheRevocationOfTheFirstListedOfTokensSharingTheIdAllRevokedAlready() {
        saved("dbn_live_rotation_one", "tok-shared", null, null, NOW.minusSeconds(60));
        saved("dbn_live_rotation_two", "tok-shared", null, null, NOW.minusSeconds(30));
        List<ServiceToken> listed = tokens.listByOrganization(ORG);
        assertNotEquals(listed.get(0).revokedAt(), listed.get(1).revokedAt());
        assertEquals(new Revocation(Revocation.Outcome.ALREADY_REVOKED, listed.get(0).revokedAt()),
                tokens.revoke(ORG, "tok-shared", NOW));
    }

    // ---------------------------------------------------------------------------------------------
    // expireBy
    // ---------------------------------------------------------------------------------------------

    @Test
    void givesATokenWithoutExpiryOne() {
        ServiceToken token = saved("dbn_live_rotation_one", "tok-one", null, null, null);
        assertEquals(new Expiry(Expiry.Outcome.SHORTENED, IN_AN_HOUR), tokens.expireBy(ORG, "tok-one", IN_AN_HOUR));
        assertEquals(IN_AN_HOUR, stored(token).expiresAt());
    }

    @Test
    void bringsALaterExpiryForward() {
        ServiceToken token = saved("dbn_live_rotation_one", "tok-one", null, NOW.plus(Duration.ofDays(30)), null);
        assertEquals(new Expiry(Expiry.Outcome.SHORTENED, IN_AN_HOUR), tokens.expireBy(ORG, "tok-one", IN_AN_HOUR));
        assertEquals(IN_AN_HOUR, stored(token).expiresAt());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3600})
    void keepsAnExpiryThatIsNoLater(int secondsSooner) {
        Instant sooner = IN_AN_HOUR.minusSeconds(secondsSooner);
        ServiceToken token = saved("dbn_live_rotation_one", "tok-one", null, sooner, null);
        assertEquals(new Expiry(Expiry.Outcome.ALREADY_SOONER, sooner), tokens.expireBy(ORG, "tok-one", IN_AN_HOUR));
        assertEquals(token, stored(token));
        assertEquals(0, client.calls(UPDATE_ITEM));
    }

    @Test
    void leavesARevokedTokenAsItIs() {
        ServiceToken token = saved("dbn_live_rotation_one", "tok-one", null, NOW.plus(Duration.ofDays(30)),
                NOW.minusSeconds(60));
        assertEquals(new Expiry(Expiry.Outcome.REVOKED, NOW.plus(Duration.ofDays(30))),
                tokens.expireBy(ORG, "tok-one", IN_AN_HOUR));
        assertEquals(token, stored(token));
    }

    @Test
    void findsNoTokenToExpireUnderAnUnknownIdOrOfAnotherOrganization() {
        ServiceToken token = saved("dbn_live_rotation_one", "tok-one", null, null, null);
        assertEquals(new Expiry(Expiry.Outcome.NOT_FOUND, null), tokens.expireBy(ORG, "tok-unknown", IN_AN_HOUR));
        assertEquals(new Expiry(Expiry.Outcome.NOT_FOUND, null),
                tokens.expireBy(Fixtures.OTHER_ORG, "tok-one", IN_AN_HOUR));
        assertEquals(token, stored(token));
    }

    @Test
    void findsNoTokenToExpireWhenItIsDeletedBetweenTheIndexAndTheRead() {
        ServiceToken token = saved("dbn_live_rotation_one", "tok-one", null, null, null);
        client.afterCall(QUERY, 1, () -> delete(token));
        assertEquals(new Expiry(Expiry.Outcome.NOT_FOUND, null), tokens.expireBy(ORG, "tok-one", IN_AN_HOUR));
        assertEquals(Optional.empty(), tokens.find(token.tokenHash()), "not written back by the update");
    }

    @Test
    void judgesATokenGivenAnotherExpiryMeanwhileAnew() {
        ServiceToken token = saved("dbn_live_rotation_one", "tok-one", null, null, null);
        Instant sooner = NOW.plusSeconds(60);
        client.beforeCall(UPDATE_ITEM, 1, () -> setOnItem(token, "expiresAt", sooner.toString()));
        assertEquals(new Expiry(Expiry.Outcome.ALREADY_SOONER, sooner), tokens.expireBy(ORG, "tok-one", IN_AN_HOUR));
        assertEquals(2, client.calls(GET_ITEM), "read again after the conditional update failed");
        assertEquals(sooner, stored(token).expiresAt());
    }

    @Test
    void judgesATokenRevokedMeanwhileAnew() {
        ServiceToken token = saved("dbn_live_rotation_one", "tok-one", null, null, null);
        client.beforeCall(UPDATE_ITEM, 1, () -> setOnItem(token, "revokedAt", NOW.toString()));
        assertEquals(new Expiry(Expiry.Outcome.REVOKED, null), tokens.expireBy(ORG, "tok-one", IN_AN_HOUR));
        assertNull(stored(token).expiresAt());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void triesThreeTimesWhileTheTokenKeepsChanging(int conflicts) {
        ServiceToken token = saved("dbn_live_rotation_one", "tok-one", null, null, null);
        client.fail(UPDATE_ITEM, conflicts, ServiceTokenRepositoryTest::conditionFailed);
        assertEquals(new Expiry(Expiry.Outcome.SHORTENED, IN_AN_HOUR), tokens.expireBy(ORG, "tok-one", IN_AN_HOUR));
        assertEquals(conflicts + 1, client.calls(UPDATE_ITEM));
        assertEquals(IN_AN_HOUR, stored(token).expiresAt());
    }

    @Test
    void givesUpAfterThreeConflicts() {
        ServiceToken token = saved("dbn_live_rotation_one", "tok-one", null, null, null);
        // A fourth attempt would succeed: the failure must come from counting, not from the table.
        client.fail(UPDATE_ITEM, 3, ServiceTokenRepositoryTest::conditionFailed);
        IllegalStateException failed = assertThrows(IllegalStateException.class,
                () -> tokens.expireBy(ORG, "tok-one", IN_AN_HOUR));
        assertTrue(failed.getMessage().contains("kept changing"), failed::getMessage);
        assertEquals(3, client.calls(UPDATE_ITEM));
        assertEquals(3, client.calls(GET_ITEM));
        assertNull(stored(token).expiresAt());
    }
}
