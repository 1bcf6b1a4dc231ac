package io.datamart.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.datamart.validation.StrictJson;

/** The project's JSON configuration ({@link StrictJson}), as the API layers above reach it. */
public final class Json {
    public static final ObjectMapper MAPPER = StrictJson.MAPPER;

    private Json() {
    }
}
