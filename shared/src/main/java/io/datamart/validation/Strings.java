package io.datamart.validation;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** String checks the contract needs and the JDK lacks. */
public final class Strings {
    private Strings() {
    }

    /**
     * False when the string holds an unpaired UTF-16 surrogate, which JSON's
     * {@code \ud800} escapes can produce but UTF-8 (and so DynamoDB) cannot store:
     * accepting one would store something other than what was sent.
     */
    public static boolean isWellFormedUnicode(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return false;
                }
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /**
     * True when the text has nothing but white space, Unicode's no-break and other space
     * separators included (which {@link String#isBlank} does not count).
     */
    public static boolean isBlank(String text) {
        return text.codePoints().allMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c));
    }

    /**
     * The bytes as UTF-8 text, or null when they are not strictly UTF-8 (overlong forms,
     * encoded surrogates, stray or truncated sequences), which a lenient decoder would
     * silently turn into other characters.
     */
    public static String strictUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException notUtf8) {
            return null;
        }
    }

    public static boolean hasControlCharacter(String text) {
        return text.codePoints().anyMatch(Character::isISOControl);
    }

    /**
     * Client text made safe to echo in an error message: at most {@code max} code points,
     * unpaired surrogates replaced by U+FFFD (so the response is always valid UTF-8).
     */
    public static String quotable(String text, int max) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), max * 2) + 3);
        int count = 0;
        for (int i = 0; i < text.length(); ) {
            if (count == max) {
                return out.append("...").toString();
            }
            int codePoint = text.codePointAt(i);
            boolean unpaired = Character.isSurrogate((char) codePoint);
            out.appendCodePoint(unpaired ? 0xFFFD : codePoint);
            i += Character.charCount(codePoint);
            count++;
        }
        return out.toString();
    }

    /** Lower-case hex SHA-256 of the text's UTF-8 bytes: token hashes, request fingerprints, SQS ids. */
    public static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every JVM has SHA-256", impossible);
        }
    }
}
