package io.datamart.testing;

/**
 * Request bodies every JSON-taking route rejects with INVALID_REQUEST_BODY before
 * looking at their content: not JSON, not an object, wrong or missing Content-Type,
 * empty. Each case is applied to a call and a body that would otherwise be valid, and
 * knows what its error message must mention.
 */
public enum MalformedBody {
    NOT_JSON("json") {
        @Override
        public ApiCall applyTo(ApiCall call, String validBody) {
            return call.json(validBody.substring(0, validBody.length() / 2));
        }
    },
    TRAILING_CONTENT_AFTER_JSON("more follows the end of the JSON value") {
        @Override
        public ApiCall applyTo(ApiCall call, String validBody) {
            return call.json(validBody + " {}");
        }
    },
    DUPLICATE_KEY("appears twice") {
        @Override
        public ApiCall applyTo(ApiCall call, String validBody) {
            return call.json("{\"datamartName\": \"a\", \"datamartName\": \"b\", \"name\": \"a\", \"name\": \"b\"}");
        }
    },
    JSON_ARRAY("object") {
        @Override
        public ApiCall applyTo(ApiCall call, String validBody) {
            return call.json("[" + validBody + "]");
        }
    },
    JSON_STRING("object") {
        @Override
        public ApiCall applyTo(ApiCall call, String validBody) {
            return call.json("\"" + validBody.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"");
        }
    },
    JSON_NULL("object") {
        @Override
        public ApiCall applyTo(ApiCall call, String validBody) {
            return call.json("null");
        }
    },
    WRONG_CONTENT_TYPE("content-type") {
        @Override
        public ApiCall applyTo(ApiCall call, String validBody) {
            return call.header("Content-Type", "text/plain").body(validBody);
        }
    },
    FORM_CONTENT_TYPE("content-type") {
        @Override
        public ApiCall applyTo(ApiCall call, String validBody) {
            return call.header("Content-Type", "application/x-www-form-urlencoded").body(validBody);
        }
    },
    NON_UTF8_CHARSET("content-type") {
        @Override
        public ApiCall applyTo(ApiCall call, String validBody) {
            return call.header("Content-Type", "application/json; charset=ISO-8859-1").body(validBody);
        }
    },
    MISSING_CONTENT_TYPE("content-type") {
        @Override
        public ApiCall applyTo(ApiCall call, String validBody) {
            return call.body(validBody);
        }
    },
    EMPTY_BODY("required") {
        @Override
        public ApiCall applyTo(ApiCall call, String validBody) {
            return call.json("");
        }
    },
    NO_BODY("required") {
        @Override
        public ApiCall applyTo(ApiCall call, String validBody) {
            return call.header("Content-Type", "application/json");
        }
    };

    private final String messageWord;

    MalformedBody(String messageWord) {
        this.messageWord = messageWord;
    }

    /** The call carrying this malformed body in place of {@code validBody}. */
    public abstract ApiCall applyTo(ApiCall call, String validBody);

    /** What the error message must mention, ignoring case. */
    public String messageWord() {
        return messageWord;
    }
}
