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
 * Resolves {@code Authorization: Bearer <token>} to the caller's organization.
 *
 * <p>A token found valid is remembered by its hash for {@code cacheTtl}, which saves a
 * DynamoDB read on most warm invocations. The price: a revoked token keeps working in
 * an execution environment that cached it until its entry ages out (at most
 * {@code cacheTtl}); expiry is checked on every request, cached or not. A zero TTL
 * turns the cache off. Unknown tokens are never cached, so a new token works at once.
 */
public final class ServiceTokenAuthenticator {
    /** The scheme word is case-insensitive (RFC 9110); the token is one run of visible ASCII. */
    private static final Pattern BEARER = Pattern.compile("(?i)bearer +([\\x21-\\x7E]{1,512})");
    private static final int MAX_CACHED_TOKENS = 1000;

    private final ServiceTokenRepository tokens;
    private final Clock clock;
    private final Duration cacheTtl;
    private final Map<String, CachedToken> cache = new ConcurrentHashMap<>();

    public ServiceTokenAuthenticator(ServiceTokenRepository tokens, Clock clock, Duration cacheTtl) {
        this.tokens = tokens;
        this.clock = clock;
        this.cacheTtl = cacheTtl;
    }

    /** The organization the token belongs to; fails for a missing, malformed, unknown, revoked or expired token. */
    public String authenticate(String authorizationHeader) {
        if (authorizationHeader == null || authorizationHeader.isBlank()) {
            throw new AuthenticationException("Missing service token: send Authorization: Bearer <service token>");
        }
        Matcher bearer = BEARER.matcher(authorizationHeader.strip());
        if (!bearer.matches()) {
            throw new AuthenticationException("Malformed Authorization header: expected Bearer <service token>");
        }
        String hash = ServiceTokenHashes.sha256(bearer.group(1));
        Instant now = clock.instant();
        ServiceToken token = cached(hash, now).or(() -> tokens.find(hash))
                .filter(found -> found.isValidAt(now))
                .orElseThrow(() -> new AuthenticationException("Invalid, revoked or expired service token"));
        remember(token, now);
        return token.organizationId();
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
        if (cache.size() >= MAX_CACHED_TOKENS) {
            cache.clear();
        }
        cache.put(token.tokenHash(), new CachedToken(token, now.plus(cacheTtl)));
    }

    private record CachedToken(ServiceToken token, Instant until) {
    }
}
