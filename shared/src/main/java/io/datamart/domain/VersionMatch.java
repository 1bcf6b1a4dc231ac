package io.datamart.domain;

import java.util.Set;

/**
 * Which stored versions a write may apply to: any ({@link #ANY}, no precondition), or one of
 * the listed ones (an {@code If-Match} header's entity tags).
 */
public record VersionMatch(Set<Long> versions) {
    public static final VersionMatch ANY = new VersionMatch(null);

    public VersionMatch {
        versions = versions == null ? null : Set.copyOf(versions);
    }

    public static VersionMatch oneOf(Set<Long> versions) {
        return new VersionMatch(versions);
    }

    public boolean isAny() {
        return versions == null;
    }

    public boolean matches(long version) {
        return versions == null || versions.contains(version);
    }
}
