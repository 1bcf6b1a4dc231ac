package io.datamart.domain;

public enum Cardinality implements WireValue {
    MANY_TO_MANY("ManyToMany"),
    MANY_TO_ONE("ManyToOne"),
    ONE_TO_MANY("OneToMany"),
    ONE_TO_ONE("OneToOne");

    private final String wire;

    Cardinality(String wire) {
        this.wire = wire;
    }

    @Override
    public String wire() {
        return wire;
    }
}
