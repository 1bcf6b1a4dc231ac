package io.datamart.events;

import java.util.List;

/** Puts events on the datamart bus. */
public interface EventPublisher {
    /**
     * Publishes the events, in order, all or nothing as far as the caller can tell.
     *
     * @return how many of them, from the first, were accepted: all of them, or fewer
     *         when the bus refused one (the rest were then not all accepted, and the
     *         caller treats them as unpublished)
     */
    int publish(List<OutboundEvent> events);

    /**
     * Runs what publishing these events takes, up to the call, without publishing them:
     * for SnapStart priming. Publishers with no client to warm do nothing.
     */
    default void prime(List<OutboundEvent> events) {
    }
}
