package io.datamart.persistence;

import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * A write that must commit in the same transaction as a datamart change, or not at all:
 * the record of an idempotency key or a provisioning message, saying what the change
 * answered. Made for the datamart the change names, once the repository knows it.
 */
@FunctionalInterface
public interface CommittedWith {
    TransactWriteItem itemFor(String datamartName);
}
