package io.datamart.provisioning;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Who sent a provisioning request, as far as AWS vouches for it; the name a grant is
 * stored under ({@code bin/admin producer grant}):
 * <ul>
 * <li>sent to the queue: {@code role:<principal id>}, the IAM role's (or user's) unique id
 * that SQS puts in the message's {@code SenderId} and no sender can choose, e.g.
 * {@code role:AROAEXAMPLEID} ({@code aws iam get-role --role-name R --query Role.RoleId});</li>
 * <li>put on the bus: {@code source:<source>}, the event's source. A producer cannot
 * choose it freely: the producer policy lets a role put only the source
 * {@code datamart.producer.<its datamart-producer tag>}. Such a request is believed only
 * when it reaches the queue through the forwarding function (its {@code SenderId} is
 * the forwarder's role), since anyone who may send to the queue could write an
 * event-shaped message there himself.</li>
 * <li>a request the provisioning function itself moved to the dead-letter queue, and an
 * operator redrove: the producer it carries ({@link ProvisioningQueue#PRODUCER_ATTRIBUTE}),
 * believed only when the message's {@code SenderId} is the provisioning function's role.</li>
 * </ul>
 */
final class ProducerIdentity {
    /** The environment variable with the forwarding function's role id (template.yaml: GetAtt Role.RoleId). */
    static final String FORWARDER_VARIABLE = "FORWARDER_PRINCIPAL_ID";
    /** The environment variable with the provisioning function's own role id. */
    static final String PROVISIONER_VARIABLE = "PROVISIONER_PRINCIPAL_ID";

    private ProducerIdentity() {
    }

    /** The producer of a queue record, or null when it has none that can be believed. */
    static String of(JsonNode record, ProvisioningRequest request, String forwarderPrincipalId,
            String provisionerPrincipalId) {
        String principal = principal(record.path("attributes").path("SenderId").asText(""));
        if (principal.isEmpty()) {
            return null;
        }
        if (principal.equals(provisionerPrincipalId)) {
            String carried = record.path("messageAttributes").path(ProvisioningQueue.PRODUCER_ATTRIBUTE)
                    .path("stringValue").asText("");
            if (!carried.isEmpty()) {
                return carried;
            }
        }
        if (request.busSource() == null) {
            return "role:" + principal;
        }
        boolean forwarded = principal.equals(forwarderPrincipalId)
                && request.busSource().startsWith(ProvisioningMessages.PRODUCER_SOURCE_PREFIX);
        return forwarded ? "source:" + request.busSource() : null;
    }

    /** "AROAEXAMPLEID:session-name" is the role AROAEXAMPLEID in a session of its own naming. */
    private static String principal(String senderId) {
        int colon = senderId.indexOf(':');
        return (colon < 0 ? senderId : senderId.substring(0, colon)).strip();
    }
}
