package io.datamart.testing;

import io.datamart.aws.EmbeddedMetrics;
import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The cold-start metric is written once per JVM, on its first invocation, and the tests of
 * one JVM use that up early. This makes the next invocation a cold start again, as in a new
 * (or restored) execution environment. It reaches {@link EmbeddedMetrics}'s private flag by
 * reflection, so a rename there fails these tests loudly rather than letting them pass.
 */
public final class ColdStarts {
    private ColdStarts() {
    }

    public static void asInANewExecutionEnvironment() {
        try {
            Field cold = EmbeddedMetrics.class.getDeclaredField("COLD");
            cold.setAccessible(true);
            ((AtomicBoolean) cold.get(null)).set(true);
        } catch (ReflectiveOperationException unreachable) {
            throw new IllegalStateException("EmbeddedMetrics no longer keeps its cold-start flag in COLD", unreachable);
        }
    }
}
