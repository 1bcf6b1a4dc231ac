package io.datamart.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.domain.Datamart;
import io.datamart.domain.DatamartVersion;
import io.datamart.domain.DatamartDefinition;
import io.datamart.domain.DatamartSummary;
import io.datamart.domain.DatamartUpdate;
import io.datamart.domain.VersionMatch;
import io.datamart.error.DatamartNotFoundException;
import io.datamart.domain.Datasource;
import io.datamart.error.ConcurrentModificationException;
import io.datamart.error.DatamartAlreadyExistsException;
import io.datamart.error.DatasourceNotFoundException;
import io.datamart.error.InvalidRequestException;
import io.datamart.error.PreconditionFailedException;
import io.datamart.error.ServiceUnavailableException;
import io.datamart.persistence.CommittedWith;
import io.datamart.persistence.DatamartChangedException;
import io.datamart.persistence.DatasourceChangedException;
import io.datamart.persistence.DatamartRepository;
import io.datamart.persistence.DatamartVersionRepository;
import io.datamart.persistence.DatasourceRepository;
import io.datamart.validation.DatamartValidator;
import io.datamart.validation.ValidatedBody;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The operations on an organization's datamarts, whatever carried the request. A
 * write validates first, then makes one conditional write, and returns the name.
 */
public final class DatamartService {
    /**
     * How often an update re-reads and re-validates a datamart that changed under it (by
     * another update, or deleted and created again), and how often an idempotent create
     * tries again when the datamart in its way vanishes.
     */
    static final int MAX_UPDATE_ATTEMPTS = 3;

    private final DatamartValidator validator;
    private final DatamartRepository datamarts;
    private final DatasourceRepository datasources;
    private final DatamartVersionRepository versions;
    /** Who the versions this service writes say made the change; null: not known. */
    private final String author;

    public DatamartService(DatamartValidator validator, DatamartRepository datamarts,
            DatasourceRepository datasources, DatamartVersionRepository versions) {
        this(validator, datamarts, datasources, versions, null);
    }

    private DatamartService(DatamartValidator validator, DatamartRepository datamarts,
            DatasourceRepository datasources, DatamartVersionRepository versions, String author) {
        this.validator = validator;
        this.datamarts = datamarts;
        this.datasources = datasources;
        this.versions = versions;
        this.author = author;
    }

    /**
     * This service for one caller: the versions its creates and updates write say
     * {@code author} made the change (a service token's name, a provisioning producer;
     * null: not known). Cheap: it shares everything else, caches included.
     */
    public DatamartService changedBy(String author) {
        return new DatamartService(validator, datamarts, datasources, versions, author);
    }

    /**
     * Validates, checks the names against the datasource's schema when it is known, and
     * stores the datamart in one conditional write (which checks the datasource again,
     * atomically, so a datasource removed meanwhile is still caught).
     */
    public String create(String organizationId, JsonNode body) {
        return create(organizationId, body, null);
    }

    /** The same, with {@code with} (null: nothing) committed in the same transaction as the datamart. */
    public String create(String organizationId, JsonNode body, CommittedWith with) {
        return createAgainstRecentCatalog(organizationId, body, with).name();
    }

    /**
     * Validates against the datasource as recently read (a cached catalog) and writes
     * requiring the datasource still at that revision; when it is not (changed or
     * removed since), validates once more against it as it is now and writes again.
     */
    private DatamartDefinition createAgainstRecentCatalog(String organizationId, JsonNode body, CommittedWith with) {
        Validated validated = validCreate(organizationId, body);
        try {
            datamarts.create(organizationId, validated.definition(), with, validated.datasourceRevision(), author);
            return validated.definition();
        } catch (DatasourceChangedException stale) {
            datasources.forget(organizationId, validated.definition().datasourceName());
        }
        Validated again = validCreate(organizationId, body);
        try {
            datamarts.create(organizationId, again.definition(), with, again.datasourceRevision(), author);
            return again.definition();
        } catch (DatasourceChangedException changedAgain) {
            // Changed between two reads a moment apart: removed, or being changed right now.
            datasources.forget(organizationId, again.definition().datasourceName());
            throw datasources.find(organizationId, again.definition().datasourceName()).isEmpty()
                    ? new DatasourceNotFoundException() : new ConcurrentModificationException();
        }
    }

    /**
     * Every check a create makes, as of now, and no write: the body's rules, the datasource's
     * schema as it is now (not as remembered), and the name free.
     *
     * @return the name the create would answer with
     */
    public String tryCreate(String organizationId, JsonNode body) {
        String datasourceName = body != null ? body.path("datasourceName").asText(null) : null;
        if (datasourceName != null) {
            datasources.forget(organizationId, datasourceName);
        }
        DatamartDefinition definition = validCreate(organizationId, body).definition();
        if (datamarts.find(organizationId, definition.name()).isPresent()) {
            throw new DatamartAlreadyExistsException();
        }
        return definition.name();
    }

    /**
     * Create for a request that may be delivered more than once: a datamart of that name
     * stored with exactly this definition counts as this request already applied.
     *
     * @return true if this call created it, false if it was already there as requested
     * @throws DatamartAlreadyExistsException when the name is taken by another definition
     */
    public boolean createIfAbsent(String organizationId, JsonNode body) {
        return createIfAbsent(organizationId, body, null);
    }

    /** The same, with {@code with} (null: nothing) committed with the datamart when this call creates it. */
    public boolean createIfAbsent(String organizationId, JsonNode body, CommittedWith with) {
        for (int attempt = 1; ; attempt++) {
            try {
                createAgainstRecentCatalog(organizationId, body, with);
                return true;
            } catch (DatamartAlreadyExistsException exists) {
                DatamartDefinition definition = validator.validateCreate(body);
                Optional<Datamart> stored = datamarts.find(organizationId, definition.name());
                if (stored.isPresent()) {
                    if (stored.get().definition().equals(definition)) {
                        return false;
                    }
                    throw exists;
                }
                // Deleted between the two calls: the name is free again, so try again.
                if (attempt == MAX_UPDATE_ATTEMPTS) {
                    throw exists;
                }
            }
        }
    }

    /**
     * The definition, once the body broke no rule and its names are in the datasource's
     * schema. A broken body is still checked against the schema, part by part, so that one
     * answer lists every problem; but where the schema cannot be had (no usable
     * datasourceName, no such datasource) the body's own violations come first.
     */
    private Validated validCreate(String organizationId, JsonNode body) {
        ValidatedBody<DatamartDefinition> read = validator.readCreate(body);
        Optional<DatasourceRepository.Revision> datasource =
                find(read, () -> datasources.findRecent(organizationId, read.lookupName()));
        if (datasource.isEmpty()) {
            read.throwIfInvalid();
            throw new DatasourceNotFoundException();
        }
        try {
            return new Validated(read.checkedAgainst(datasource.get().datasource(), null),
                    datasource.get().revision());
        } catch (InvalidRequestException refused) {
            if (!datasource.get().remembered()) {
                throw refused;
            }
            // Refused against a remembered catalog: it may be out of date (a table added
            // since), so the answer comes from the catalog as it is now.
            datasources.forget(organizationId, read.lookupName());
            return validCreate(organizationId, body);
        }
    }

    /**
     * A read that feeds the schema checks. For a body that is broken anyway it may not take
     * the body's own answer away: with no usable name to read by, the body's violations are
     * thrown; when the store is unavailable (throttled, no answer, out of time), the result
     * is empty and the caller answers with the body's violations.
     */
    /** A valid definition and the revision of the datasource it was validated against. */
    private record Validated(DatamartDefinition definition, String datasourceRevision) {
    }

    private static <T> Optional<T> find(ValidatedBody<?> body, Supplier<Optional<T>> read) {
        if (body.lookupName() == null) {
            body.throwIfInvalid();
            throw new IllegalStateException("a valid body has the name to look up");
        }
        if (body.isValid()) {
            return read.get();
        }
        try {
            return read.get();
        } catch (ServiceUnavailableException unavailable) {
            return Optional.empty();
        }
    }

    /**
     * Validates, checks the new parts against the datamart's datasource schema when it is
     * known, and applies them in one conditional write. The reads only feed validation:
     * the write itself still fails if the datamart is gone by then.
     */
    public String update(String organizationId, JsonNode body) {
        return update(organizationId, body, null);
    }

    /** The same, with {@code with} (null: nothing) committed in the same transaction as the change. */
    public String update(String organizationId, JsonNode body, CommittedWith with) {
        return update(organizationId, body, with, VersionMatch.ANY);
    }

    /**
     * The same, applied only when the datamart is at a version {@code ifMatch} accepts, or
     * {@link PreconditionFailedException}. The version checked is the one the write is
     * conditional on, so the check holds under races: of concurrent updates naming one
     * version, one lands.
     */
    public String update(String organizationId, JsonNode body, CommittedWith with, VersionMatch ifMatch) {
        return apply(validator.readUpdate(body), organizationId, false, with, ifMatch, true).datamartName();
    }

    /**
     * Every check an update makes, as of now (the datamart there and at a version
     * {@code ifMatch} accepts, the body's rules, the datasource's schema), and no write.
     *
     * @return the name the update would answer with
     */
    public String tryUpdate(String organizationId, JsonNode body, VersionMatch ifMatch) {
        return apply(validator.readUpdate(body), organizationId, false, null, ifMatch, false).datamartName();
    }

    /**
     * Update for a request that may be delivered more than once: when every part it
     * carries is already stored as it says, nothing is written (no new version, no
     * change event), and the request counts as already applied.
     *
     * @return true if this call changed the datamart, false if it already matched
     */
    public boolean updateIfChanged(String organizationId, JsonNode body) {
        return updateIfChanged(organizationId, body, null);
    }

    /** The same, with {@code with} (null: nothing) committed with the change when this call makes one. */
    public boolean updateIfChanged(String organizationId, JsonNode body, CommittedWith with) {
        return apply(validator.readUpdate(body), organizationId, true, with, VersionMatch.ANY, true) != null;
    }

    /**
     * Returns the update when written; null when {@code skipIfStored} found it already
     * stored. A broken body is checked against the schema as far as the datamart and its
     * datasource can be read, then refused with everything found; a datamart that is not
     * there answers the body's own violations first.
     */
    private DatamartUpdate apply(ValidatedBody<DatamartUpdate> body, String organizationId, boolean skipIfStored,
            CommittedWith with, VersionMatch ifMatch, boolean write) {
        for (int attempt = 1; ; attempt++) {
            Optional<Datamart> found = find(body, () -> datamarts.find(organizationId, body.lookupName()));
            if (found.isEmpty()) {
                body.throwIfInvalid();
                throw new DatamartNotFoundException();
            }
            Datamart current = found.get();
            if (!ifMatch.matches(current.version())) {
                throw new PreconditionFailedException(current.version());
            }
            DatamartDefinition stored = current.definition();
            if (skipIfStored && body.isValid() && isStored(body.orThrow(), stored)) {
                return null;
            }
            // The datamart's datasource gone (or unreadable for a broken body): no schema to check against.
            DatamartUpdate update = find(body, () -> datasources.find(organizationId, stored.datasourceName()))
                    .map(datasource -> body.checkedAgainst(datasource, stored.tableList()))
                    .orElseGet(body::orThrow);
            if (!write) {
                return update;
            }
            try {
                // Conditional on the datamart exactly as validated against: incarnation and version.
                datamarts.update(organizationId, update, current, with, author);
                return update;
            } catch (DatamartChangedException changed) {
                if (attempt == MAX_UPDATE_ATTEMPTS) {
                    throw new ConcurrentModificationException();
                }
            }
        }
    }

    private static boolean isStored(DatamartUpdate update, DatamartDefinition stored) {
        return (update.tableList() == null || update.tableList().equals(stored.tableList()))
                && (update.tenancySettings() == null || update.tenancySettings().equals(stored.tenancySettings()))
                && (update.relationships() == null || update.relationships().equals(stored.relationships()));
    }

    public String delete(String organizationId, String name) {
        return delete(organizationId, name, null);
    }

    /** The same, with {@code with} (null: nothing) committed in the same transaction as the delete. */
    public String delete(String organizationId, String name, CommittedWith with) {
        return delete(organizationId, name, with, VersionMatch.ANY);
    }

    /**
     * The same, only when the datamart is at a version {@code ifMatch} accepts (checked by
     * the delete's own condition), or {@link PreconditionFailedException}.
     */
    public String delete(String organizationId, String name, CommittedWith with, VersionMatch ifMatch) {
        datamarts.delete(organizationId, name, with, ifMatch);
        return name;
    }

    /**
     * Delete for a request that may be delivered more than once: a datamart already gone
     * counts as this request already applied.
     *
     * @return true if this call deleted it, false if there was nothing to delete
     */
    public boolean deleteIfPresent(String organizationId, String name) {
        return deleteIfPresent(organizationId, name, null);
    }

    /** The same, with {@code with} (null: nothing) committed with the delete when this call makes it. */
    public boolean deleteIfPresent(String organizationId, String name, CommittedWith with) {
        try {
            datamarts.delete(organizationId, name, with);
            return true;
        } catch (DatamartNotFoundException alreadyGone) {
            return false;
        }
    }

    /** The datamart, or {@link DatamartNotFoundException}. */
    public Datamart get(String organizationId, String name) {
        return datamarts.find(organizationId, name).orElseThrow(DatamartNotFoundException::new);
    }

    /**
     * The kept versions of the datamart of this name, newest first, or
     * {@link DatamartNotFoundException} when none is kept.
     */
    public List<DatamartVersion> versions(String organizationId, String name) {
        List<DatamartVersion> kept = DatamartRepository.isStorableName(name)
                ? versions.list(organizationId, name) : List.of();
        // A datamart stored before versions were kept has none until its next change: an
        // empty history, not a missing datamart.
        if (kept.isEmpty() && datamarts.find(organizationId, name).isEmpty()) {
            throw new DatamartNotFoundException();
        }
        return kept;
    }

    /**
     * The full JSON of version {@code version} of the newest incarnation of the datamart
     * that has it, or {@link DatamartNotFoundException}.
     */
    public String version(String organizationId, String name, long version) {
        if (!DatamartRepository.isStorableName(name)) {
            throw new DatamartNotFoundException();
        }
        return versions.find(organizationId, name, version).orElseThrow(DatamartNotFoundException::new);
    }

    /** Datamarts in name order after {@code afterName} (null: from the first), at most {@code limit}, read lazily. */
    public Stream<Datamart> listAfter(String organizationId, String afterName, int limit) {
        return datamarts.listAfter(organizationId, afterName, limit);
    }

    /** The same, names and timestamps only. */
    public Stream<DatamartSummary> listSummariesAfter(String organizationId, String afterName, int limit) {
        return datamarts.listSummariesAfter(organizationId, afterName, limit);
    }

    /** Where a page starts: after {@code afterName} (null: at the first datamart), unless it is past the end. */
    public record PageStart(String afterName, boolean pastTheEnd) {
    }

    /** Where the page that skips the first {@code offset} datamarts starts. */
    public PageStart pageStart(String organizationId, int offset) {
        if (offset == 0) {
            return new PageStart(null, false);
        }
        return datamarts.nameAt(organizationId, offset).map(name -> new PageStart(name, false))
                .orElse(new PageStart(null, true));
    }

    /**
     * A create's path up to its write, for priming before a snapshot: the body validated,
     * mapped to an item and back, a datamart that cannot exist read. Writes nothing.
     *
     * @return the datamart as it would read back
     */
    public Datamart prime(String organizationId, JsonNode createBody) {
        return datamarts.prime(organizationId, validator.validateCreate(createBody));
    }

    public DatamartValidator validator() {
        return validator;
    }
}
