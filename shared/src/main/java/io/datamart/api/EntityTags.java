package io.datamart.api;

import io.datamart.domain.VersionMatch;
import io.datamart.error.InvalidRequestException;
import io.datamart.error.Violation;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A datamart's entity tag (RFC 9110 8.8.3) is its stored version, quoted: a strong
 * validator, since every change makes a new version. {@code If-Match} on update and delete
 * names the versions the client read.
 */
final class EntityTags {
    static final String ETAG = "ETag";
    static final String IF_MATCH = "if-match";
    private static final Pattern STRONG = Pattern.compile("\"([1-9][0-9]{0,17})\"");
    /** Any other entity tag: a weak one, or one this API never issues; it matches no version. */
    private static final Pattern OTHER = Pattern.compile("(W/)?\"[\\x21\\x23-\\x7e\\x80-\\xff]*\"");

    private EntityTags() {
    }

    static String of(long version) {
        return "\"" + version + "\"";
    }

    /**
     * The versions the request's {@code If-Match} accepts: any without the header or with
     * {@code *} (the write requires the datamart to exist anyway). A weak tag never matches,
     * as If-Match compares strongly.
     *
     * @throws InvalidRequestException the header is not {@code *} or a list of entity tags
     */
    static VersionMatch ifMatch(ApiRequest request) {
        String header = request.header(IF_MATCH);
        if (header == null || header.strip().equals("*")) {
            return VersionMatch.ANY;
        }
        Set<Long> versions = new HashSet<>();
        for (String tag : header.split(",", -1)) {
            String trimmed = tag.strip();
            if (trimmed.isEmpty()) {
                continue; // an empty list element, which RFC 9110 5.6.1 says to accept
            }
            Matcher strong = STRONG.matcher(trimmed);
            if (strong.matches()) {
                versions.add(Long.parseLong(strong.group(1)));
            } else if (!OTHER.matcher(trimmed).matches()) {
                throw InvalidRequestException.of(List.of(new Violation("If-Match",
                        "must be * or entity tags such as \"3\" (the version an ETag gave)")));
            }
        }
        return VersionMatch.oneOf(versions);
    }
}
