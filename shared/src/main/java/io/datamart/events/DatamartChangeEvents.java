package io.datamart.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.validation.StrictJson;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * Turns a record of the datamarts table's stream (as Lambda delivers it) into the change
 * event it stands for. The stream, not the code that wrote, is the source: a change is
 * on the stream exactly when it is stored, whichever function or tool stored it.
 *
 * <pre>
 * INSERT -&gt; "Datamart Created", MODIFY -&gt; "Datamart Updated", REMOVE -&gt; "Datamart Deleted"
 * detail: {"organizationId", "name", "version", "datasourceName", "createdAt", "changedAt"}
 * </pre>
 *
 * A Deleted event carries the version the datamart had when it was deleted. A datamart
 * deleted and created again starts at version 1 again; its {@code createdAt} tells the
 * two apart, so organization, name, createdAt, version and detail-type identify a change.
 */
public final class DatamartChangeEvents {
    public static final String CREATED = "Datamart Created";
    public static final String UPDATED = "Datamart Updated";
    public static final String DELETED = "Datamart Deleted";

    private DatamartChangeEvents() {
    }

    /**
     * @throws IllegalArgumentException for a record that is not a change to a stored
     *         datamart (another event name, or an image without the datamart's fields)
     */
    public static OutboundEvent fromStreamRecord(JsonNode record) {
        String eventName = record.path("eventName").asText();
        JsonNode stream = record.path("dynamodb");
        String detailType;
        JsonNode image;
        switch (eventName) {
            case "INSERT" -> {
                detailType = CREATED;
                image = stream.path("NewImage");
            }
            case "MODIFY" -> {
                detailType = UPDATED;
                image = stream.path("NewImage");
            }
            case "REMOVE" -> {
                detailType = DELETED;
                image = stream.path("OldImage");
            }
            default -> throw new IllegalArgumentException("not a datamart change: eventName '" + eventName + "'");
        }
        ObjectNode detail = StrictJson.MAPPER.createObjectNode()
                .put("organizationId", string(image, "organizationId"))
                .put("name", string(image, "name"))
                .put("version", Long.parseLong(attribute(image, "version", "N")))
                .put("datasourceName", string(image, "datasourceName"))
                .put("createdAt", string(image, "createdAt"))
                .put("changedAt", detailType.equals(DELETED) ? removedAt(stream) : string(image, "updatedAt"));
        return new OutboundEvent(OutboundEvent.CHANGES_SOURCE, detailType, detail);
    }

    /** When DynamoDB recorded the removal: the stream gives epoch seconds, possibly with a fraction. */
    private static String removedAt(JsonNode stream) {
        JsonNode seconds = stream.path("ApproximateCreationDateTime");
        if (!seconds.isNumber()) {
            throw new IllegalArgumentException("a REMOVE record without ApproximateCreationDateTime");
        }
        BigDecimal millis = seconds.decimalValue().movePointRight(3);
        return Instant.ofEpochMilli(millis.longValue()).toString();
    }

    private static String string(JsonNode image, String name) {
        return attribute(image, name, "S");
    }

    private static String attribute(JsonNode image, String name, String type) {
        JsonNode value = image.path(name).path(type);
        if (!value.isTextual()) {
            throw new IllegalArgumentException("the stream image has no " + type + " attribute '" + name
                    + "' (the table's stream must carry NEW_AND_OLD_IMAGES)");
        }
        return value.textValue();
    }
}
