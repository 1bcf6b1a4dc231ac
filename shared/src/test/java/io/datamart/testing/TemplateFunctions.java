package io.datamart.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.local.TemplateModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A function of template.yaml as deployed, for the template tests: Globals applied. */
public final class TemplateFunctions {
    private static final TemplateModel TEMPLATE = Template.load();

    private TemplateFunctions() {
    }

    public static JsonNode function(String id) {
        JsonNode function = TEMPLATE.resource(id);
        assertEquals("AWS::Serverless::Function", function.path("Type").asText(), id);
        return function;
    }

    /** A function property as deployed: the function's own value, else the Globals one. */
    public static JsonNode property(String id, String name) {
        JsonNode own = function(id).path("Properties").path(name);
        return own.isMissingNode() ? TEMPLATE.root().path("Globals").path("Function").path(name) : own;
    }

    /** Environment variables as deployed: Globals merged with the function's own. */
    public static Map<String, JsonNode> environment(String id) {
        Map<String, JsonNode> variables = new LinkedHashMap<>();
        TEMPLATE.root().path("Globals").path("Function").path("Environment").path("Variables").fields()
                .forEachRemaining(v -> variables.put(v.getKey(), v.getValue()));
        function(id).path("Properties").path("Environment").path("Variables").fields()
                .forEachRemaining(v -> variables.put(v.getKey(), v.getValue()));
        return variables;
    }

    /** A value that may be one item or a list of them, as a list. */
    public static List<JsonNode> asList(JsonNode node) {
        List<JsonNode> list = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(list::add);
        } else if (!node.isMissingNode()) {
            list.add(node);
        }
        return list;
    }
}
