package io.datamart.domain;

public enum ClientColumnType implements WireValue {
    NUMBER, STRING;

    @Override
    public String wire() {
        return name();
    }
}
