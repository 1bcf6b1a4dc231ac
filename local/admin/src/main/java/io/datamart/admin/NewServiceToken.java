package io.datamart.admin;

import io.datamart.auth.ServiceTokenFormat;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A freshly generated service token and its id. The token is {@value #PREFIX} followed by
 * 32 random bytes in unpadded base64url (43 characters, 256 bits), so it is recognisable
 * (e.g. by secret scanners) and cannot be guessed; the id is {@value #ID_PREFIX} and 12
 * random base32 characters (60 bits), something to name the token by that reveals nothing.
 */
record NewServiceToken(String token, String tokenId) {
    static final String PREFIX = ServiceTokenFormat.PREFIX;
    static final String ID_PREFIX = "tok_";
    private static final int TOKEN_BYTES = 32;
    private static final int ID_CHARACTERS = 12;
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    static NewServiceToken generate() {
        byte[] secret = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(secret);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        long bits = RANDOM.nextLong();
        StringBuilder id = new StringBuilder(ID_PREFIX);
        for (int i = 0; i < ID_CHARACTERS; i++) {
            id.append(BASE32[(int) (bits >>> (5 * i)) & 31]);
        }
        return new NewServiceToken(token, id.toString());
    }

    /** Never the token itself, should this record end up in a log line or an exception. */
    @Override
    public String toString() {
        return "NewServiceToken[tokenId=" + tokenId + "]";
    }
}
