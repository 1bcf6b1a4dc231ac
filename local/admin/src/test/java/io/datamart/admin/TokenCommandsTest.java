package io.datamart.admin;

import static io.datamart.testing.Fixtures.DOCUMENTED_CREATE_BODY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.datamart.admin.LocalAdmin.Response;
import io.datamart.admin.LocalAdmin.Run;
import io.datamart.auth.ServiceTokenHashes;
import io.datamart.testing.TestContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * bin/admin token issue, list and revoke, against the test AWS, with every issued token
 * used on the real create function.
 */
class TokenCommandsTest {
    private static final Pattern TOKEN = Pattern.compile("dbn_live_[A-Za-z0-9_-]{43}");
    private static final Pattern TOKEN_ID = Pattern.compile("tok_[a-z2-7]{12}");

    private static LocalAdmin local;
    private static final List<String> ISSUED = new ArrayList<>();

    @BeforeAll
    static void startLocalAws() {
        local = LocalAdmin.start();
    }

    @AfterAll
    static void noIssuedTokenIsStoredOrLogged() {
        if (local == null) {
            return; // the local AWS could not start: no token was issued
        }
        var items = local.client().scanPaginator(r -> r.tableName("ServiceTokensTable")).items().stream().toList();
        assertFalse(items.isEmpty());
        for (String token : ISSUED) {
            for (var item : items) {
                assertFalse(item.toString().contains(token), "a raw token is stored: " + item);
                assertFalse(item.toString().contains(token.substring("dbn_live_".length())));
            }
            assertTrue(TestContext.ALL_LOGS.stream().noneMatch(line -> line.contains(token)),
                    "a raw token was logged");
        }
    }

    /** What `token issue` told the operator. */
    record Issued(String token, String tokenId, Run run) {
    }

    private static Issued issue(String organization, String... more) {
        return issue(Clock.systemUTC(), organization, more);
    }

    private static Issued issue(Clock clock, String organization, String... more) {
        List<String> args = new ArrayList<>(List.of("token", "issue", "--org", organization));
        args.addAll(Arrays.asList(more));
        Run run = local.admin(clock, Map.of(), args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.stdout().endsWith("\n") && run.stdout().lines().count() == 1,
                "stdout is the token alone, on one line: " + run);
        String token = run.stdout().strip();
        assertTrue(TOKEN.matcher(token).matches(), token);
        assertFalse(run.stderr().contains(token), "the token is shown once, on stdout only");
        Matcher id = TOKEN_ID.matcher(run.stderr());
        assertTrue(id.find(), run.stderr());
        ISSUED.add(token);
        return new Issued(token, id.group(), run);
    }

    private static String withDatasource(String organization) {
        Run put = local.admin("datasource", "put", "--org", organization, "--name", "postgres-main");
        assertEquals(0, put.exitCode(), put.toString());
        return organization;
    }

    @Test
    void anIssuedTokenWorksOnTheCreateFunctionUntilItIsRevoked() {
        String organization = withDatasource(LocalAdmin.newOrganization());
        Issued issued = issue(organization);
        assertTrue(issued.run().stderr().contains("for organization " + organization + ", expires "),
                issued.run().stderr());

        Response created = local.createDatamart(issued.token(), DOCUMENTED_CREATE_BODY);
        assertEquals(200, created.status(), created.body());
        assertEquals("{\"id\":\"sales-analytics\",\"error\":null}", created.body());
        assertEquals(organization, local.client().getItem(r -> r.tableName("DatamartsTable").key(Map.of(
                "organizationId", AttributeValue.fromS(organization),
                "name", AttributeValue.fromS("sales-analytics")))).item().get("organizationId").s(),
                "the datamart belongs to the token's organization");

        Run revoked = local.admin("token", "revoke", "--org", organization, "--id", issued.tokenId());
        assertEquals(0, revoked.exitCode(), revoked.toString());
        assertTrue(revoked.stderr().startsWith("Revoked " + issued.tokenId() + " of organization " + organization),
                revoked.stderr());
        assertEquals("", revoked.stdout());

        Response refused = local.createDatamart(issued.token(), DOCUMENTED_CREATE_BODY.replace(
                "sales-analytics", "after-revocation"));
        assertEquals(400, refused.status(), refused.body());
        assertEquals("AUTH_ERROR", refused.errorCode(), refused.body());

        Run again = local.admin("token", "revoke", "--org", organization, "--id", issued.tokenId());
        assertEquals(0, again.exitCode(), "revoking twice is idempotent: " + again);
        assertTrue(again.stderr().contains("was already revoked at "), again.stderr());
        assertTrue(again.stderr().contains("nothing changed"), again.stderr());
    }

    @Test
    void revokingLeavesTheFirstRevocationDateAndOtherTokensAlone() {
        String organization = withDatasource(LocalAdmin.newOrganization());
        Issued revoked = issue(organization);
        Issued kept = issue(organization);
        Instant first = Instant.parse("2030-01-01T00:00:00Z");

        assertEquals(0, local.admin(Clock.fixed(first, ZoneOffset.UTC), Map.of(),
                "token", "revoke", "--org", organization, "--id", revoked.tokenId()).exitCode());
        Run again = local.admin(Clock.fixed(first.plusSeconds(60), ZoneOffset.UTC), Map.of(),
                "token", "revoke", "--org", organization, "--id", revoked.tokenId());

        assertTrue(again.stderr().contains("already revoked at " + first), again.stderr());
        assertEquals(first.toString(), local.client().getItem(r -> r.tableName("ServiceTokensTable")
                .key(Map.of("tokenHash", AttributeValue.fromS(ServiceTokenHashes.sha256(revoked.token())))))
                .item().get("revokedAt").s());
        assertEquals(200, local.createDatamart(kept.token(), DOCUMENTED_CREATE_BODY).status());
    }

    @Test
    void tokenListShowsIdsDatesAndStatusButNeverATokenOrItsHash() {
        String organization = LocalAdmin.newOrganization();
        Instant now = Instant.now();
        Clock tenDaysAgo = Clock.fixed(now.minus(Duration.ofDays(10)), ZoneOffset.UTC);
        Issued expired = issue(tenDaysAgo, organization, "--expires-in", "1");
        Issued revoked = issue(organization);
        Issued active = issue(organization, "--expires-in", "30", "--name", "ci-deploy");
        assertTrue(active.run().stderr().contains(", expires "), active.run().stderr());
        assertEquals(0, local.admin("token", "revoke", "--org", organization, "--id", revoked.tokenId()).exitCode());
        issue(LocalAdmin.newOrganization()); // another organization's token is not listed

        Run list = local.admin("token", "list", "--org", organization);

        assertEquals(0, list.exitCode(), list.toString());
        List<String> lines = list.stdout().lines().toList();
        assertEquals(4, lines.size(), list.stdout());
        assertTrue(lines.get(0).matches("TOKEN ID +NAME +STATUS +CREATED +EXPIRES +REVOKED"), lines.get(0));
        assertTrue(lines.get(1).matches(expired.tokenId() + " +- +expired .*"), "oldest first: " + list.stdout());
        assertTrue(lines.get(1).contains(now.minus(Duration.ofDays(9)).toString().substring(0, 10)),
                "expires one day after it was created: " + lines.get(1));
        assertEquals(List.of("active", "revoked"), lines.subList(2, 4).stream()
                .map(line -> line.split(" +")[2]).sorted().toList());
        String revokedLine = lines.stream().filter(l -> l.startsWith(revoked.tokenId())).findFirst().orElseThrow();
        assertFalse(revokedLine.endsWith("-"), "shows when it was revoked: " + revokedLine);
        String activeLine = lines.stream().filter(l -> l.startsWith(active.tokenId())).findFirst().orElseThrow();
        assertTrue(activeLine.matches(active.tokenId() + " +ci-deploy +active +\\S+Z +\\S+Z +-"), activeLine);
        for (Issued token : List.of(expired, revoked, active)) {
            String all = list.stdout() + list.stderr();
            assertFalse(all.contains(token.token()), "never the token");
            assertFalse(all.contains(ServiceTokenHashes.sha256(token.token())), "never the hash");
            assertFalse(all.contains(ServiceTokenHashes.sha256(token.token()).substring(0, 12)), "not even part of it");
        }
    }

    private static Map<String, AttributeValue> stored(String organization, String tokenId) {
        return local.client().scanPaginator(r -> r.tableName("ServiceTokensTable")).items().stream()
                .filter(item -> organization.equals(item.get("organizationId").s())
                        && tokenId.equals(item.get("tokenId").s()))
                .findFirst().orElseThrow();
    }

    @Test
    void aTokensNameIsStoredAndSaidOnIssueAndARotationKeepsItUnlessToldOtherwise() {
        String organization = LocalAdmin.newOrganization();
        Issued named = issue(organization, "--name", "billing sync");
        assertTrue(named.run().stderr().startsWith("Issued " + named.tokenId() + " (billing sync) for organization "),
                named.run().stderr());
        assertEquals("billing sync", stored(organization, named.tokenId()).get("name").s());
        Issued unnamed = issue(organization);
        assertFalse(stored(organization, unnamed.tokenId()).containsKey("name"));

        Run kept = rotate(Clock.systemUTC(), organization, named.tokenId());
        Run renamed = rotate(Clock.systemUTC(), organization, unnamed.tokenId(), "--name", "ci-deploy");

        assertEquals(0, kept.exitCode(), kept.toString());
        assertEquals(0, renamed.exitCode(), renamed.toString());
        ISSUED.add(kept.stdout().strip());
        ISSUED.add(renamed.stdout().strip());
        assertTrue(kept.stderr().contains(" (billing sync) for organization "), kept.stderr());
        assertTrue(renamed.stderr().contains(" (ci-deploy) for organization "), renamed.stderr());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " leading", "trailing ", "line\nbreak", "semi;colon",
        "a-name-of-sixty-five-characters-is-one-too-long-for-a-token-namex"})
    void refusesANameThatIsNotOneToSixtyFourPlainCharactersAndIssuesNothing(String name) {
        String organization = LocalAdmin.newOrganization();
        Run refused = local.admin("token", "issue", "--org", organization, "--name", name);

        assertEquals(2, refused.exitCode(), refused.toString());
        assertTrue(refused.stderr().contains("--name must be 1 to 64 letters, digits, spaces or"), refused.stderr());
        assertEquals("", refused.stdout());
        assertEquals(0, local.client().scanPaginator(r -> r.tableName("ServiceTokensTable")).items().stream()
                .filter(item -> organization.equals(item.get("organizationId").s())).count());
    }

    @Test
    void acceptsANameOfExactlySixtyFourCharacters() {
        String name = "a".repeat(63) + "z";
        String organization = LocalAdmin.newOrganization();
        Issued issued = issue(organization, "--name", name);

        assertEquals(name, stored(organization, issued.tokenId()).get("name").s());
    }

    private static Instant storedExpiry(String organization, String tokenId) {
        return local.client().scanPaginator(r -> r.tableName("ServiceTokensTable")).items().stream()
                .filter(item -> organization.equals(item.get("organizationId").s())
                        && tokenId.equals(item.get("tokenId").s()))
                .map(item -> Instant.parse(item.get("expiresAt").s())).findFirst().orElseThrow();
    }

    private static Run rotate(Clock clock, String organization, String tokenId, String... more) {
        List<String> args = new ArrayList<>(List.of("token", "rotate", "--org", organization, "--id", tokenId));
        args.addAll(Arrays.asList(more));
        return local.admin(clock, Map.of(), args.toArray(String[]::new));
    }

    @Test
    void everyTokenExpiresByDefaultAfterNinetyDays() {
        String organization = LocalAdmin.newOrganization();
        Instant at = Instant.parse("2031-05-06T07:08:09.123Z");
        Issued issued = issue(Clock.fixed(at, ZoneOffset.UTC), organization);

        assertEquals(at.plus(Duration.ofDays(90)), storedExpiry(organization, issued.tokenId()));
        assertTrue(issued.run().stderr().contains("expires " + at.plus(Duration.ofDays(90))), issued.run().stderr());
    }

    @Test
    void rotationIssuesANewTokenAndKeepsTheOldOneWorkingForTheOverlapOnly() {
        String organization = withDatasource(LocalAdmin.newOrganization());
        Issued old = issue(organization);
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);

        Run rotated = rotate(Clock.fixed(now, ZoneOffset.UTC), organization, old.tokenId(), "--overlap", "2");

        assertEquals(0, rotated.exitCode(), rotated.toString());
        String fresh = rotated.stdout().strip();
        assertTrue(TOKEN.matcher(fresh).matches() && !fresh.equals(old.token()), rotated.stdout());
        ISSUED.add(fresh);
        assertEquals(now.plus(Duration.ofHours(2)), storedExpiry(organization, old.tokenId()));
        assertTrue(rotated.stderr().contains("The old token " + old.tokenId() + " keeps working until "
                + now.plus(Duration.ofHours(2))), rotated.stderr());
        assertEquals(200, local.createDatamart(fresh, DOCUMENTED_CREATE_BODY).status(), "the new token works");
        assertNotEquals("AUTH_ERROR", local.createDatamart(old.token(), DOCUMENTED_CREATE_BODY).errorCode(),
                "the old one still authenticates during the overlap (the name is taken, so 400 for that)");
    }

    @Test
    void afterTheOverlapOnlyTheNewTokenWorks() {
        String organization = withDatasource(LocalAdmin.newOrganization());
        Clock twoDaysAgo = Clock.fixed(Instant.now().minus(Duration.ofDays(2)), ZoneOffset.UTC);
        Issued old = issue(twoDaysAgo, organization);

        Run rotated = rotate(twoDaysAgo, organization, old.tokenId(), "--overlap", "1");
        assertEquals(0, rotated.exitCode(), rotated.toString());
        String fresh = rotated.stdout().strip();
        ISSUED.add(fresh);

        Response refused = local.createDatamart(old.token(), DOCUMENTED_CREATE_BODY);
        assertEquals("AUTH_ERROR", refused.errorCode(), refused.body());
        assertEquals(200, local.createDatamart(fresh, DOCUMENTED_CREATE_BODY).status());
    }

    @Test
    void rotationNeverLengthensTheOldTokensLife() {
        String organization = LocalAdmin.newOrganization();
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        Issued old = issue(Clock.fixed(now, ZoneOffset.UTC), organization, "--expires-in", "1");

        Run rotated = rotate(Clock.fixed(now, ZoneOffset.UTC), organization, old.tokenId(), "--overlap", "48");

        assertEquals(0, rotated.exitCode(), rotated.toString());
        ISSUED.add(rotated.stdout().strip());
        assertEquals(now.plus(Duration.ofDays(1)), storedExpiry(organization, old.tokenId()));
    }

    @Test
    void rotatingATokenThatIsNotActiveIssuesNothing() {
        String organization = LocalAdmin.newOrganization();
        Issued revoked = issue(organization);
        assertEquals(0, local.admin("token", "revoke", "--org", organization, "--id", revoked.tokenId()).exitCode());

        for (String id : List.of(revoked.tokenId(), "tok_doesnotexist")) {
            Run run = rotate(Clock.systemUTC(), organization, id);
            assertEquals(1, run.exitCode(), run.toString());
            assertEquals("", run.stdout(), "no token issued");
            assertTrue(run.stderr().contains("has no active token " + id), run.stderr());
        }
        Run list = local.admin("token", "list", "--org", organization);
        assertEquals(2, list.stdout().lines().count(), "the header and the revoked token only: " + list.stdout());
    }

    @Test
    void refusesAnOverlapOutOfRange() {
        for (String hours : List.of("0", "721", "-3")) {
            Run run = rotate(Clock.systemUTC(), "o", "tok_x", "--overlap", hours);
            assertEquals(2, run.exitCode(), run.toString());
            assertTrue(run.stderr().contains("--overlap must be 1 to 720 hours"), run.stderr());
        }
    }

    @Test
    void anExpiredTokenIsRefusedAndOneNotYetExpiredWorks() {
        String organization = withDatasource(LocalAdmin.newOrganization());
        Clock twoDaysAgo = Clock.fixed(Instant.now().minus(Duration.ofDays(2)), ZoneOffset.UTC);
        Issued expired = issue(twoDaysAgo, organization, "--expires-in", "1");
        Issued valid = issue(twoDaysAgo, organization, "--expires-in", "3");

        Response refused = local.createDatamart(expired.token(), DOCUMENTED_CREATE_BODY);
        assertEquals(400, refused.status(), refused.body());
        assertEquals("AUTH_ERROR", refused.errorCode());
        assertEquals(200, local.createDatamart(valid.token(), DOCUMENTED_CREATE_BODY).status());
    }

    @Test
    void storesOnlyTheHashWithTheTokensIdOrganizationAndDates() {
        String organization = LocalAdmin.newOrganization();
        Instant at = Instant.parse("2031-05-06T07:08:09.123Z");
        Issued issued = issue(Clock.fixed(at, ZoneOffset.UTC), organization, "--expires-in", "7");

        var items = local.client().scanPaginator(r -> r.tableName("ServiceTokensTable")).items().stream()
                .filter(item -> organization.equals(item.get("organizationId").s())).toList();

        assertEquals(1, items.size());
        assertEquals(Map.of(
                "tokenHash", AttributeValue.fromS(ServiceTokenHashes.sha256(issued.token())),
                "tokenId", AttributeValue.fromS(issued.tokenId()),
                "organizationId", AttributeValue.fromS(organization),
                "createdAt", AttributeValue.fromS("2031-05-06T07:08:09.123Z"),
                "expiresAt", AttributeValue.fromS("2031-05-13T07:08:09.123Z")), items.get(0));
        assertTrue(issued.run().stderr().contains("expires 2031-05-13T07:08:09.123Z"), issued.run().stderr());
    }

    @Test
    void everyTokenAndIdIsNew() {
        String organization = LocalAdmin.newOrganization();
        Issued one = issue(organization);
        Issued two = issue(organization);

        assertNotEquals(one.token(), two.token());
        assertNotEquals(one.tokenId(), two.tokenId());
    }

    @Test
    void revokingATokenOfNoSuchOrganizationOrIdFailsWithExitOne() {
        String organization = withDatasource(LocalAdmin.newOrganization());
        Issued issued = issue(organization);

        Run unknownOrganization = local.admin("token", "revoke", "--org", "no-such-org", "--id", issued.tokenId());
        assertEquals(1, unknownOrganization.exitCode(), unknownOrganization.toString());
        assertTrue(unknownOrganization.stderr().contains(
                "error: organization no-such-org has no token " + issued.tokenId()), unknownOrganization.stderr());

        Run unknownId = local.admin("token", "revoke", "--org", organization, "--id", "tok_aaaaaaaaaaaa");
        assertEquals(1, unknownId.exitCode(), unknownId.toString());

        assertEquals(200, local.createDatamart(issued.token(), DOCUMENTED_CREATE_BODY).status(),
                "a token is revoked only through its own organization");
        assertNull(local.client().getItem(r -> r.tableName("ServiceTokensTable").key(Map.of(
                "tokenHash", AttributeValue.fromS(ServiceTokenHashes.sha256(issued.token()))))).item()
                .get("revokedAt"));
    }

    @Test
    void listingAnOrganizationWithoutTokensSaysSo() {
        Run list = local.admin("token", "list", "--org", LocalAdmin.newOrganization());

        assertEquals(0, list.exitCode());
        assertEquals("", list.stdout());
        assertTrue(list.stderr().contains("has no service tokens"), list.stderr());
    }

    @Test
    void refusesAnExpiryThatIsNotAWholeNumberOfDaysFromOne() {
        for (String days : List.of("0", "-1", "36501")) {
            Run run = local.admin("token", "issue", "--org", "o", "--expires-in", days);
            assertEquals(2, run.exitCode(), run.toString());
            assertTrue(run.stderr().contains("--expires-in must be 1 to 36500 days"), run.stderr());
            assertEquals("", run.stdout(), "no token when nothing was stored");
        }
        Run notANumber = local.admin("token", "issue", "--org", "o", "--expires-in", "soon");
        assertEquals(2, notANumber.exitCode());
        assertTrue(notANumber.stderr().contains("Invalid value for option '--expires-in'"), notANumber.stderr());
    }

    @Test
    void aMissingTokensTableIsAConfigurationErrorNamingTableOptionAndRegion() {
        Run run = local.admin(Clock.systemUTC(), Map.of("SERVICE_TOKENS_TABLE", "NoSuchTable",
                "AWS_REGION", "eu-west-3"), "token", "issue", "--org", "o");

        assertEquals(2, run.exitCode(), run.toString());
        assertEquals("", run.stdout(), "no token is shown when none was stored");
        assertTrue(run.stderr().contains("table 'NoSuchTable' does not exist in " + local.endpoint()
                + " (region eu-west-3); set --tokens-table or $SERVICE_TOKENS_TABLE"), run.stderr());

        Run flagWins = local.admin(Clock.systemUTC(), Map.of("SERVICE_TOKENS_TABLE", "ServiceTokensTable",
                "AWS_DEFAULT_REGION", "ap-south-1"), "token", "list", "--org", "o", "--tokens-table", "Other");
        assertEquals(2, flagWins.exitCode());
        assertTrue(flagWins.stderr().contains("table 'Other' does not exist in " + local.endpoint()
                + " (region ap-south-1)"), flagWins.stderr());
    }
}
