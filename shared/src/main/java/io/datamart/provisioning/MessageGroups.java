package io.datamart.provisioning;

import io.datamart.validation.Strings;

/**
 * The FIFO ids of a provisioning message. One datamart, one message group: its requests
 * are applied in order, other datamarts' never wait for them. SQS allows 1 to 128
 * printable ASCII characters in either id, so a readable id is used when it fits and a
 * SHA-256 of it otherwise; both are fixed per datamart, so a datamart keeps one group.
 */
public final class MessageGroups {
    static final int MAX_ID_LENGTH = 128;
    /** The group of messages that do not say which datamart they are for (they fail anyway). */
    static final String UNIDENTIFIED = "unidentified";

    private MessageGroups() {
    }

    /** {@code organizationId/name}, or {@code sha256:<hex>} of them when that is not a valid group id. */
    public static String groupId(String organizationId, String name) {
        if (organizationId == null || name == null) {
            return UNIDENTIFIED;
        }
        String readable = organizationId + "/" + name;
        return isValidId(readable) ? readable : "sha256:" + Strings.sha256Hex(organizationId + "\u0000" + name);
    }

    /** The id as is when SQS accepts it, its SHA-256 otherwise. */
    public static String deduplicationId(String id) {
        return isValidId(id) ? id : Strings.sha256Hex(id);
    }

    /** Whether SQS accepts this as a message group or deduplication id. */
    public static boolean isValidId(String id) {
        return id != null && !id.isEmpty() && id.length() <= MAX_ID_LENGTH && id.chars().allMatch(c -> c >= 0x21 && c <= 0x7E);
    }

}
