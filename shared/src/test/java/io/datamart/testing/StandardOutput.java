package io.datamart.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What is written to standard output while something runs: where the functions' lines
 * without an invocation go (the SDK's, through SLF4J), as on Lambda.
 */
public final class StandardOutput {
    private StandardOutput() {
    }

    /** Runs {@code action} with standard output captured (and not printed), and gives its lines. */
    public static List<String> during(Runnable action) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
