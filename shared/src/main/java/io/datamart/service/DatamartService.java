package io.datamart.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.domain.DatamartDefinition;
import io.datamart.domain.DatamartUpdate;
import io.datamart.persistence.DatamartRepository;
import io.datamart.validation.DatamartValidator;

/**
 * The three write operations on an organization's datamarts, whatever carried the
 * request: validation first, then one conditional write. Returns the datamart's name.
 */
public final class DatamartService {
    private final DatamartValidator validator;
    private final DatamartRepository datamarts;

    public DatamartService(DatamartValidator validator, DatamartRepository datamarts) {
        this.validator = validator;
        this.datamarts = datamarts;
    }

    public String create(String organizationId, JsonNode body) {
        DatamartDefinition definition = validator.validateCreate(body);
        datamarts.create(organizationId, definition);
        return definition.name();
    }

    public String update(String organizationId, JsonNode body) {
        DatamartUpdate update = validator.validateUpdate(body);
        datamarts.update(organizationId, update);
        return update.datamartName();
    }

    public String delete(String organizationId, String name) {
        datamarts.delete(organizationId, name);
        return name;
    }

    public DatamartValidator validator() {
        return validator;
    }
}
