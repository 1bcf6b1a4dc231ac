package io.datamart.local;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Files of the checkout the tests and the local commands run in: template.yaml, events/,
 * local/seed.json, local/moto/serve.py. The build and the bin/ scripts pass the checkout's
 * folder as {@code datamart.project.root}.
 */
public final class ProjectFiles {
    private ProjectFiles() {
    }

    /** The top of the checkout: Maven's multi-module directory, else the nearest folder up with template.yaml. */
    public static Path root() {
        String configured = System.getProperty("datamart.project.root");
        if (configured != null && Files.exists(Path.of(configured, "template.yaml"))) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("template.yaml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no template.yaml above " + Path.of("").toAbsolutePath());
    }

    public static Path template() {
        return root().resolve("template.yaml");
    }

    public static Path events() {
        return root().resolve("events");
    }

    public static Path seed() {
        return root().resolve("local/seed.json");
    }

    /** The script that starts moto as this project's local AWS (see {@link MotoServer}). */
    public static Path motoLauncher() {
        return root().resolve("local/moto/serve.py");
    }
}
