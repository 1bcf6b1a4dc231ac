package io.datamart.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.domain.Datamart;
import io.datamart.domain.DatamartDefinition;
import io.datamart.domain.DatamartSummary;
import io.datamart.domain.DatamartUpdate;
import io.datamart.error.DatamartNotFoundException;
import io.datamart.persistence.DatamartRepository;
import io.datamart.validation.DatamartValidator;
import java.util.List;

/**
 * The operations on an organization's datamarts, whatever carried the request. A
 * write validates first, then makes one conditional write, and returns the name.
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

    /** The datamart, or {@link DatamartNotFoundException}. */
    public Datamart get(String organizationId, String name) {
        return datamarts.find(organizationId, name).orElseThrow(DatamartNotFoundException::new);
    }

    public List<Datamart> list(String organizationId, int offset, int limit) {
        return datamarts.list(organizationId, offset, limit);
    }

    public List<DatamartSummary> listSummaries(String organizationId, int offset, int limit) {
        return datamarts.listSummaries(organizationId, offset, limit);
    }

    public DatamartValidator validator() {
        return validator;
    }
}
