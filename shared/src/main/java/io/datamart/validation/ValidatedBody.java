package io.datamart.validation;

import io.datamart.domain.Datasource;
import io.datamart.domain.Table;
import java.util.List;

/**
 * A create or update body as the validator read it: the typed request when the body broke
 * no rule of its own, else its violations; either way the names it uses that a
 * datasource's schema can check. The schema checks then run on every well-formed part,
 * so one answer lists the body's structural problems and its schema misses together.
 *
 * @param <T> the typed request
 */
public final class ValidatedBody<T> {
    private final T value;
    private final Violations violations;
    private final SchemaNames names;
    private final String lookupName;

    ValidatedBody(T value, Violations violations, SchemaNames names, String lookupName) {
        this.value = value;
        this.violations = violations;
        this.names = names;
        this.lookupName = lookupName;
    }

    /** Whether the body broke no rule that can be checked without a schema. */
    public boolean isValid() {
        return violations.isEmpty();
    }

    /**
     * The name the datasource's schema is found through: a create's {@code datasourceName},
     * an update's {@code datamartName}; null when that field is missing or unusable (the
     * body is then invalid, and only its own violations can be reported).
     */
    public String lookupName() {
        return lookupName;
    }

    /** Throws the body's own violations, if any. */
    public void throwIfInvalid() {
        violations.throwIfAny();
    }

    /** The typed request, or the body's own violations thrown. */
    public T orThrow() {
        violations.throwIfAny();
        return value;
    }

    /**
     * The typed request, once the body's usable names are checked against the datasource's
     * schema (when it is known): throws the body's own violations first, then the schema's
     * misses, in one {@link io.datamart.error.InvalidRequestException}, under one limit.
     *
     * @param storedTables the datamart's stored table list, which resolves the tables of an
     *     update's relationships when the update keeps it; null for a create
     */
    public T checkedAgainst(Datasource datasource, List<Table> storedTables) {
        if (datasource.tables() == null) {
            return orThrow(); // schema unknown: nothing to check the names against
        }
        Violations all = violations.copy();
        SchemaChecks.check(datasource, names, storedTables, all);
        all.throwIfAny();
        return value;
    }

    SchemaNames names() {
        return names;
    }
}
