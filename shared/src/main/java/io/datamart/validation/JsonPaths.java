package io.datamart.validation;

import java.util.regex.Pattern;

/** Builds the paths that {@code error.details} uses: {@code tableList[0].columns[2].name}. */
public final class JsonPaths {
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");

    private JsonPaths() {
    }

    /** A field of the object at {@code parent}; odd names are bracketed so the path stays readable. */
    public static String field(String parent, String name) {
        if (PLAIN_NAME.matcher(name).matches()) {
            return parent.isEmpty() ? name : parent + "." + name;
        }
        String shown = Strings.quotable(name, 64);
        String quoted = "[\"" + shown.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
        return parent + quoted;
    }

    public static String index(String parent, int index) {
        return parent + "[" + index + "]";
    }
}
