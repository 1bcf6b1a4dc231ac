package io.datamart.validation;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one JSON configuration of the project, kept low enough for every layer that reads
 * JSON (the API's bodies, idempotency fingerprints, provisioning messages) to share it:
 * strict on input, tree-based, no reflection.
 */
public final class StrictJson {
    /**
     * Duplicate keys are an error rather than last-one-wins, so a body can never mean two
     * things; so is anything after the JSON value. Comments, single quotes, NaN and
     * unquoted names stay disallowed (Jackson's defaults).
     */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private StrictJson() {
    }
}
