package io.datamart.domain;

/** An enumerated field whose JSON spelling differs from a Java constant name. */
public interface WireValue {
    /** The value exactly as the API documents it, e.g. {@code "LEFT JOIN"}. */
    String wire();
}
