package io.datamart.testing;

import io.datamart.local.ProjectFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The sample events of events/, one folder per function. */
public final class EventFiles {
    private EventFiles() {
    }

    /** Every event file in {@code events/<folder>/}, sorted; fails if there is none. */
    public static List<Path> in(String folder) {
        Path dir = ProjectFiles.events().resolve(folder);
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> events = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
            if (events.isEmpty()) {
                throw new IllegalStateException("no events in " + dir);
            }
            return events;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
