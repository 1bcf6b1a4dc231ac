package io.datamart.admin;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of this checkout; the build passes the project's folder to the tests. */
final class Project {
    private Project() {
    }

    static Path root() {
        String configured = System.getProperty("datamart.project.root");
        Path root = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath().getParent().getParent();
        if (!Files.exists(root.resolve("template.yaml"))) {
            throw new IllegalStateException("no template.yaml in " + root);
        }
        return root;
    }

    static Path template() {
        return root().resolve("template.yaml");
    }
}
