package io.datamart.api;

/**
 * What a response costs against Lambda's limit on what a function may return
 * synchronously: 6 MB for the whole response object, in which the body travels as a
 * JSON string, so every quote, backslash and control character of the body counts
 * escaped a second time.
 */
final class LambdaResponseSize {
    /** Lambda's limit, read as 6,000,000 bytes: below both its 6 MB and 6 MiB readings. */
    static final long MAX_RESPONSE_BYTES = 6_000_000L;

    private LambdaResponseSize() {
    }

    /**
     * An upper bound of the UTF-8 bytes {@code text} takes inside a JSON string as the
     * project's mapper writes it: two for {@code "} and {@code \}, up to six for a
     * control character, three for every char at or above U+0800 (a surrogate pair,
     * four bytes in UTF-8, is counted six).
     */
    static long asJsonString(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                bytes += 2;
            } else if (c < 0x20) {
                bytes += 6;
            } else if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
