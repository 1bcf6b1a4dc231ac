package io.datamart.provisioning;

import io.datamart.api.Operation;
import java.util.Arrays;
import java.util.Optional;

/** What a provisioning request asks for, as it is named in a queue message and on the bus. */
public enum ProvisioningOperation {
    CREATE("create", "Create Datamart", "name", Operation.CREATE),
    UPDATE("update", "Update Datamart", "datamartName", Operation.UPDATE),
    DELETE("delete", "Delete Datamart", "datamartName", Operation.DELETE);

    private final String wire;
    private final String detailType;
    private final String nameField;
    private final Operation apiOperation;

    ProvisioningOperation(String wire, String detailType, String nameField, Operation apiOperation) {
        this.wire = wire;
        this.detailType = detailType;
        this.nameField = nameField;
        this.apiOperation = apiOperation;
    }

    /** "create", "update" or "delete": the {@code operation} of a queue message. */
    public String wire() {
        return wire;
    }

    /** The EventBridge detail-type that asks for it. */
    public String detailType() {
        return detailType;
    }

    /** The body field naming the datamart, as in the HTTP API: {@code name} or {@code datamartName}. */
    public String nameField() {
        return nameField;
    }

    /** The HTTP operation whose rules and error codes apply. */
    Operation apiOperation() {
        return apiOperation;
    }

    public static Optional<ProvisioningOperation> fromWire(String wire) {
        return Arrays.stream(values()).filter(operation -> operation.wire.equals(wire)).findFirst();
    }

    public static Optional<ProvisioningOperation> fromDetailType(String detailType) {
        return Arrays.stream(values()).filter(operation -> operation.detailType.equals(detailType)).findFirst();
    }
}
