package io.datamart.auth;

import java.util.regex.Pattern;

/**
 * What a service token looks like: {@value #PREFIX} followed by 8 to 128 base64url
 * characters (bin/admin issues 43). Checked before the token is looked up, so a request
 * carrying anything else is refused without a database read.
 */
public final class ServiceTokenFormat {
    public static final String PREFIX = "dbn_live_";
    /** For error messages and docs/api.md: the rule in words. */
    public static final String DESCRIPTION = PREFIX + " followed by 8 to 128 letters, digits, '_' or '-'";
    private static final Pattern TOKEN = Pattern.compile(Pattern.quote(PREFIX) + "[A-Za-z0-9_-]{8,128}");

    private ServiceTokenFormat() {
    }

    public static boolean isWellFormed(String token) {
        return token != null && TOKEN.matcher(token).matches();
    }
}
