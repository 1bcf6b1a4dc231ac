package io.datamart.domain;

public enum TenancyLevel implements WireValue {
    TABLE, DATABASE, MULTI_DATABASE;

    @Override
    public String wire() {
        return name();
    }
}
