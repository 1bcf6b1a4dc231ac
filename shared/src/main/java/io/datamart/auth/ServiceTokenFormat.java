package io.datamart.auth;

import java.util.regex.Pattern;

/**
 * What a service token looks like: {@value #PREFIX} followed by 8 to 128 base64url
 * characters (bin/admin issues 43). Checked before the token is looked up, so a request
 * carrying anything else is refused without a database read. Also what a token's name may
 * be: short, printable and one line, since it is copied into the versions the token writes.
 */
public final class ServiceTokenFormat {
    public static final String PREFIX = "dbn_live_";
    /** For error messages and docs/api.md: the rule in words. */
    public static final String DESCRIPTION = PREFIX + " followed by 8 to 128 letters, digits, '_' or '-'";
    private static final Pattern TOKEN = Pattern.compile(Pattern.quote(PREFIX) + "[A-Za-z0-9_-]{8,128}");
    /** The longest name a token may have: it is copied into every version its token writes. */
    public static final int MAX_NAME_LENGTH = 64;
    /** For error messages and docs: a name's rule in words. */
    public static final String NAME_DESCRIPTION = "1 to " + MAX_NAME_LENGTH
            + " letters, digits, spaces or . _ - @ : /, not starting or ending with a space";
    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N}._@:/-]([\\p{L}\\p{N} ._@:/-]{0,"
            + (MAX_NAME_LENGTH - 2) + "}[\\p{L}\\p{N}._@:/-])?");

    private ServiceTokenFormat() {
    }

    public static boolean isWellFormed(String token) {
        return token != null && TOKEN.matcher(token).matches();
    }

    /** Whether {@code name} may name a token ({@link #NAME_DESCRIPTION}). */
    public static boolean isWellFormedName(String name) {
        return name != null && NAME.matcher(name).matches();
    }
}
