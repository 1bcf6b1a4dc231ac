package io.datamart.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.local.ProjectFiles;
import io.datamart.local.TemplateModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /**
     * sam build builds the function with the Makefile's build-&lt;id&gt; target (BuildMethod:
     * makefile, CodeUri the Makefile's folder), which copies the jar of {@code module}; locally
     * the function runs that same jar, the one the module's pom names.
     */
    public static void assertBuiltFromModule(String id, String module) {
        assertEquals("makefile", function(id).path("Metadata").path("BuildMethod").asText(), id);
        assertEquals(".", property(id, "CodeUri").asText(), id);
        Path root = ProjectFiles.root();
        try {
            String makefile = Files.readString(root.resolve("Makefile"));
            assertTrue(makefile.contains("\nbuild-" + id + ": FUNCTION_MODULE = " + module + "\n"),
                    () -> "the Makefile's build-" + id + " target copies the jar of " + module);
            assertTrue(Files.readString(root.resolve("functions/" + module + "/pom.xml"))
                    .contains("<finalName>" + module + "</finalName>"), () -> module + " builds " + module + ".jar");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertEquals(root.resolve("functions/" + module + "/target/" + module + ".jar"),
                TEMPLATE.functions().get(id).code(), () -> id + " runs locally the jar the Makefile deploys");
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
