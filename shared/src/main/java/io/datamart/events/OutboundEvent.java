package io.datamart.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/** One event for the datamart bus: who sent it, what kind it is, and its detail. */
public record OutboundEvent(String source, String detailType, ObjectNode detail) {
    /** The source of the outcomes of provisioning requests. */
    public static final String PROVISIONING_SOURCE = "datamart.provisioning";
    /** The source of the events that report stored changes. */
    public static final String CHANGES_SOURCE = "datamart.changes";

    public OutboundEvent {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(detailType, "detailType");
        Objects.requireNonNull(detail, "detail");
    }
}
