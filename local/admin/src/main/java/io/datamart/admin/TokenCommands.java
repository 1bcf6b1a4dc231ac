package io.datamart.admin;

import io.datamart.auth.ServiceToken;
import io.datamart.auth.ServiceTokenFormat;
import io.datamart.auth.ServiceTokenHashes;
import io.datamart.auth.ServiceTokenRepository;
import io.datamart.auth.ServiceTokenRepository.Revocation;
import io.datamart.persistence.TableNames;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code bin/admin token issue|list|revoke}. */
@Command(name = "token",
        description = "Issues, lists and revokes the service tokens of an organization.",
        subcommands = {TokenCommands.Issue.class, TokenCommands.ListTokens.class, TokenCommands.Revoke.class,
            TokenCommands.Rotate.class})
final class TokenCommands extends CommandGroup {
    /** Long enough for any real use; a typo such as 3650000 is refused rather than stored. */
    static final int MAX_EXPIRY_DAYS = 36_500;
    /** Every token expires: a leaked one that nobody revokes stops working by itself. */
    static final int DEFAULT_EXPIRY_DAYS = 90;
    /** How long the old token of a rotation keeps working, by default: time to roll the new one out. */
    static final int DEFAULT_OVERLAP_HOURS = 24;
    static final int MAX_OVERLAP_HOURS = 30 * 24;


    /**
     * Issues a token for the organization expiring in {@code expiresInDays}, called
     * {@code name} (null: nothing); prints it on stdout, its id on stderr.
     */
    NewServiceToken issue(String organizationId, int expiresInDays, String name) {
        if (name != null && !ServiceTokenFormat.isWellFormedName(name)) {
            throw new AdminCli.UsageFailure("--name must be " + ServiceTokenFormat.NAME_DESCRIPTION + ", not '"
                    + name + "'");
        }
        if (expiresInDays < 1 || expiresInDays > MAX_EXPIRY_DAYS) {
            throw new AdminCli.UsageFailure("--expires-in must be 1 to " + MAX_EXPIRY_DAYS + " days, not "
                    + expiresInDays);
        }
        Instant createdAt = admin.clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Instant expiresAt = createdAt.plus(Duration.ofDays(expiresInDays));
        NewServiceToken issued = NewServiceToken.generate();
        ServiceTokenRepository tokens = admin.tokens();
        onTokensTable(() -> {
            tokens.save(new ServiceToken(ServiceTokenHashes.sha256(issued.token()), issued.tokenId(), name,
                    organizationId, createdAt, expiresAt, null));
            return null;
        });
        admin.err.println("Issued " + issued.tokenId() + (name == null ? "" : " (" + name + ")")
                + " for organization " + organizationId + ", expires "
                + expiresAt + ".");
        admin.err.println("The token is on stdout and shown only this once: only its SHA-256 hash is stored.");
        admin.err.flush();
        admin.out.println(issued.token());
        admin.out.flush();
        return issued;
    }

    <T> T onTokensTable(Supplier<T> call) {
        return admin.onTable(admin.tokensTableName(), "--tokens-table", TableNames.SERVICE_TOKENS_VARIABLE, call);
    }

    @Command(name = "issue",
            description = "Issues a new service token for the organization: prints the token once on stdout "
                    + "(its id and expiry on stderr) and stores only its SHA-256 hash.")
    static final class Issue implements Callable<Integer> {
        @ParentCommand
        TokenCommands token;

        @Mixin
        OrganizationOption organization;

        @Option(names = "--expires-in", paramLabel = "DAYS", defaultValue = "" + DEFAULT_EXPIRY_DAYS,
                description = "Days until the token expires, 1 to " + MAX_EXPIRY_DAYS + " (default: "
                        + DEFAULT_EXPIRY_DAYS + "). Rotate it before then with `token rotate`.")
        int expiresInDays;

        @Option(names = "--name", paramLabel = "NAME",
                description = "What the token is for, e.g. ci-deploy: " + ServiceTokenFormat.NAME_DESCRIPTION
                        + ". The versions of a datamart it changes say so (GET .../versions); without a name, they "
                        + "give its id.")
        String name;

        @Override
        public Integer call() {
            token.issue(organization.id(), expiresInDays, name);
            return AdminCli.OK;
        }
    }

    @Command(name = "rotate",
            description = "Replaces one of the organization's service tokens: issues a new one (printed once on "
                    + "stdout, like `token issue`) and makes the old one expire after an overlap, so clients can "
                    + "switch without an outage. Revoke the old one sooner with `token revoke`.")
    static final class Rotate implements Callable<Integer> {
        @ParentCommand
        TokenCommands token;

        @Mixin
        OrganizationOption organization;

        @Option(names = "--id", paramLabel = "ID", required = true,
                description = "The id of the token to replace (tok_...).")
        String tokenId;

        @Option(names = "--overlap", paramLabel = "HOURS", defaultValue = "" + DEFAULT_OVERLAP_HOURS,
                description = "Hours the old token keeps working, 1 to " + MAX_OVERLAP_HOURS + " (default: "
                        + DEFAULT_OVERLAP_HOURS + "); one that expires sooner keeps its expiry.")
        int overlapHours;

        @Option(names = "--expires-in", paramLabel = "DAYS", defaultValue = "" + DEFAULT_EXPIRY_DAYS,
                description = "Days until the new token expires, 1 to " + MAX_EXPIRY_DAYS + " (default: "
                        + DEFAULT_EXPIRY_DAYS + ").")
        int expiresInDays;

        @Option(names = "--name", paramLabel = "NAME",
                description = "The new token's name (default: the old token's): " + ServiceTokenFormat.NAME_DESCRIPTION
                        + ".")
        String name;

        @Override
        public Integer call() {
            AdminCli admin = token.admin;
            String organizationId = organization.id();
            if (tokenId.isBlank()) {
                throw new AdminCli.UsageFailure("--id must not be blank");
            }
            if (overlapHours < 1 || overlapHours > MAX_OVERLAP_HOURS) {
                throw new AdminCli.UsageFailure("--overlap must be 1 to " + MAX_OVERLAP_HOURS + " hours, not "
                        + overlapHours);
            }
            ServiceTokenRepository tokens = admin.tokens();
            Instant oldUntil = admin.clock.instant().truncatedTo(ChronoUnit.MILLIS).plus(Duration.ofHours(overlapHours));
            // The old token is checked before anything is issued: a typo in --id issues nothing.
            ServiceToken old = token.onTokensTable(() -> tokens.listByOrganization(organizationId)).stream()
                    .filter(t -> tokenId.equals(t.tokenId())).findFirst().orElse(null);
            if (old == null || !old.isValidAt(admin.clock.instant())) {
                admin.err.println("error: organization " + organizationId + " has no active token " + tokenId
                        + " (bin/admin token list --org " + organizationId + " shows its tokens)");
                return AdminCli.FAILED;
            }
            NewServiceToken issued = token.issue(organizationId, expiresInDays, name != null ? name : old.name());
            ServiceTokenRepository.Expiry expiry;
            try {
                expiry = token.onTokensTable(() -> tokens.expireBy(organizationId, tokenId, oldUntil));
            } catch (RuntimeException failed) {
                // The new token is out already: rotating again would issue a second one.
                admin.err.println("error: " + issued.tokenId() + " is issued (on stdout), but the old token "
                        + tokenId + "'s expiry could not be set (" + failed.getMessage() + "); it keeps its own. "
                        + "Revoke it once clients have switched: bin/admin token revoke --org " + organizationId
                        + " --id " + tokenId);
                return AdminCli.FAILED;
            }
            switch (expiry.outcome()) {
                case SHORTENED, ALREADY_SOONER -> admin.err.println("The old token " + tokenId + " keeps working "
                        + "until " + expiry.expiresAt() + "; switch clients to " + issued.tokenId() + " before then.");
                case REVOKED, NOT_FOUND -> admin.err.println("The old token " + tokenId + " was revoked or removed "
                        + "meanwhile; only " + issued.tokenId() + " works now.");
            }
            return AdminCli.OK;
        }
    }

    @Command(name = "list",
            description = "Lists the organization's service tokens: id, name, status (active, expired, revoked) "
                    + "and dates; never a token or its hash.")
    static final class ListTokens implements Callable<Integer> {
        @ParentCommand
        TokenCommands token;

        @Mixin
        OrganizationOption organization;

        @Override
        public Integer call() {
            AdminCli admin = token.admin;
            String organizationId = organization.id();
            ServiceTokenRepository tokens = admin.tokens();
            List<ServiceToken> found = token.onTokensTable(() -> tokens.listByOrganization(organizationId));
            if (found.isEmpty()) {
                admin.err.println("Organization " + organizationId + " has no service tokens.");
                return AdminCli.OK;
            }
            Instant now = admin.clock.instant();
            List<List<String>> rows = found.stream()
                    .sorted(Comparator.comparing(ServiceToken::createdAt, Comparator.nullsFirst(Comparator.naturalOrder()))
                            .thenComparing(ServiceToken::tokenId))
                    .map(t -> List.of(t.tokenId(), t.name() == null ? "-" : t.name(), status(t, now),
                            date(t.createdAt()), date(t.expiresAt()), date(t.revokedAt())))
                    .toList();
            TextTable.print(admin.out, List.of("TOKEN ID", "NAME", "STATUS", "CREATED", "EXPIRES", "REVOKED"), rows);
            return AdminCli.OK;
        }

        static String status(ServiceToken token, Instant now) {
            if (token.revokedAt() != null) {
                return "revoked";
            }
            return token.isValidAt(now) ? "active" : "expired";
        }

        private static String date(Instant instant) {
            return instant == null ? "-" : instant.toString();
        }
    }

    @Command(name = "revoke",
            description = "Revokes one of the organization's service tokens by its id; the API refuses it from "
                    + "then on. Revoking a revoked token changes nothing and succeeds.")
    static final class Revoke implements Callable<Integer> {
        @ParentCommand
        TokenCommands token;

        @Mixin
        OrganizationOption organization;

        @Option(names = "--id", paramLabel = "ID", required = true,
                description = "The token's id, as `token issue` and `token list` show it (tok_...).")
        String tokenId;

        @Override
        public Integer call() {
            AdminCli admin = token.admin;
            String organizationId = organization.id();
            if (tokenId.isBlank()) {
                throw new AdminCli.UsageFailure("--id must not be blank");
            }
            ServiceTokenRepository tokens = admin.tokens();
            Instant now = admin.clock.instant().truncatedTo(ChronoUnit.MILLIS);
            Revocation revocation = token.onTokensTable(() -> tokens.revoke(organizationId, tokenId, now));
            switch (revocation.outcome()) {
                case REVOKED -> admin.err.println("Revoked " + tokenId + " of organization " + organizationId
                        + " at " + revocation.revokedAt() + ". A function that cached it may accept it for up to "
                        + "TOKEN_CACHE_TTL_SECONDS more (30 s as deployed).");
                case ALREADY_REVOKED -> admin.err.println(tokenId + " of organization " + organizationId
                        + " was already revoked" + (revocation.revokedAt() == null ? "" : " at " + revocation.revokedAt())
                        + "; nothing changed.");
                case NOT_FOUND -> {
                    admin.err.println("error: organization " + organizationId + " has no token " + tokenId
                            + " (bin/admin token list --org " + organizationId + " shows its tokens)");
                    return AdminCli.FAILED;
                }
            }
            return AdminCli.OK;
        }
    }
}
