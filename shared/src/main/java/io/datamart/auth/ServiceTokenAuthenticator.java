package io.datamart.auth;

import io.datamart.error.AuthenticationException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves {@code Authorization: Bearer <token>} to the stored token: the caller's
 * organization, and the name its changes are recorded under.
 *
 * <p>A token that is not in {@link ServiceTokenFormat} is refused before any read. A
 * token found valid is remembered by its hash for {@code cacheTtl}, which saves a
 * DynamoDB read on most warm invocations. The price: a revoked token keeps working in
 * an execution environment that cached it until its entry ages out (at most
 * {@code cacheTtl}); expiry is checked on every request, cached or not. A token refused
 * (unknown, revoked or expired) is remembered for a shorter time, at most
 * {@link #MAX_REFUSAL_TTL}, so a client retrying a bad token in a loop costs one read per
 * execution environment and period rather than one per request; a token issued a moment
 * after it was first tried (only ever a hand-made one: issued tokens are random) works
 * once that period ends. A zero TTL turns both caches off.
 */
public final class ServiceTokenAuthenticator {
    /** The scheme word is case-insensitive (RFC 9110); the token is one run of visible ASCII. */
    private static final Pattern BEARER = Pattern.compile("(?i)bearer +([\\x21-\\x7E]{1,512})");
    private static final int MAX_CACHED_TOKENS = 1000;
    /** How long a refusal is remembered at most; never longer than the cache TTL. */
    static final Duration MAX_REFUSAL_TTL = Duration.ofSeconds(5);
    private static final int MAX_CACHED_REFUSALS = 10_000;

    private final ServiceTokenRepository tokens;
    private final Clock clock;
    private final Duration cacheTtl;
    private final Duration refusalTtl;
    private final int maxCachedTokens;
    private final int maxCachedRefusals;
    private final Map<String, CachedToken> cache = new ConcurrentHashMap<>();
    private final Map<String, Instant> refusals = new ConcurrentHashMap<>();

    public ServiceTokenAuthenticator(ServiceTokenRepository tokens, Clock clock, Duration cacheTtl) {
        this(tokens, clock, cacheTtl, MAX_CACHED_TOKENS, MAX_CACHED_REFUSALS);
    }

    /** With other bounds of the two caches than 1,000 tokens and 10,000 refusals: for tests of the bounds. */
    ServiceTokenAuthenticator(ServiceTokenRepository tokens, Clock clock, Duration cacheTtl, int maxCachedTokens,
            int maxCachedRefusals) {
        this.tokens = tokens;
        this.clock = clock;
        this.cacheTtl = cacheTtl;
        this.refusalTtl = cacheTtl.compareTo(MAX_REFUSAL_TTL) < 0 ? cacheTtl : MAX_REFUSAL_TTL;
        this.maxCachedTokens = maxCachedTokens;
        this.maxCachedRefusals = maxCachedRefusals;
    }

    /** The token the header carries; fails for a missing, malformed, unknown, revoked or expired token. */
    public ServiceToken authenticate(String authorizationHeader) {
        if (authorizationHeader == null || authorizationHeader.isBlank()) {
            throw new AuthenticationException("Missing service token: send Authorization: Bearer <service token>");
        }
        Matcher bearer = BEARER.matcher(authorizationHeader.strip());
        if (!bearer.matches()) {
            throw new AuthenticationException("Malformed Authorization header: expected Bearer <service token>");
        }
        if (!ServiceTokenFormat.isWellFormed(bearer.group(1))) {
            throw new AuthenticationException("Malformed service token: expected " + ServiceTokenFormat.DESCRIPTION);
        }
        String hash = ServiceTokenHashes.sha256(bearer.group(1));
        Instant now = clock.instant();
        Instant refusedUntil = refusals.get(hash);
        if (refusedUntil != null && now.isBefore(refusedUntil)) {
            throw invalid();
        }
        Optional<ServiceToken> token = cached(hash, now).or(() -> tokens.find(hash))
                .filter(found -> found.isValidAt(now));
        if (token.isEmpty()) {
            rememberRefusal(hash, now);
            throw invalid();
        }
        remember(token.get(), now);
        return token.get();
    }

    /**
     * A token lookup as a request makes it, for a token nobody holds, remembered nowhere:
     * what priming before a snapshot runs, so no cache holds anything of it afterwards.
     */
    public void primeLookup() {
        tokens.find(ServiceTokenHashes.sha256("priming-" + java.util.UUID.randomUUID()));
    }

    /** How many tokens and refusals it remembers: none after priming alone. */
    public int remembered() {
        return cache.size() + refusals.size();
    }

    private static AuthenticationException invalid() {
        return new AuthenticationException("Invalid, revoked or expired service token");
    }

    private void rememberRefusal(String hash, Instant now) {
        cache.remove(hash);
        if (refusalTtl.isZero()) {
            return;
        }
        // Bounded: a client spraying random tokens gains nothing by growing it (each is refused
        // for its format or read once anyway), and memory stays small.
        if (refusals.size() >= maxCachedRefusals) {
            refusals.clear();
        }
        refusals.put(hash, now.plus(refusalTtl));
    }

    private Optional<ServiceToken> cached(String hash, Instant now) {
        CachedToken entry = cache.get(hash);
        if (entry == null || !now.isBefore(entry.until())) {
            return Optional.empty();
        }
        return Optional.of(entry.token());
    }

    private void remember(ServiceToken token, Instant now) {
        if (cacheTtl.isZero() || cached(token.tokenHash(), now).isPresent()) {
            return;
        }
        if (cache.size() >= maxCachedTokens) {
            cache.clear();
        }
        cache.put(token.tokenHash(), new CachedToken(token, now.plus(cacheTtl)));
    }

    private record CachedToken(ServiceToken token, Instant until) {
    }
}
