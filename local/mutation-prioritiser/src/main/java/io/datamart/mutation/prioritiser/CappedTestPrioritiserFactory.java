package io.datamart.mutation.prioritiser;

import java.util.List;
import java.util.Properties;
import org.pitest.classpath.CodeSource;
import org.pitest.coverage.CoverageDatabase;
import org.pitest.coverage.TestInfo;
import org.pitest.mutationtest.build.DefaultTestPrioritiserFactory;
import org.pitest.mutationtest.build.TestPrioritiser;
import org.pitest.mutationtest.build.TestPrioritiserFactory;

/**
 * PIT's own choice and order of the tests to run against a mutant (the tests that cover
 * it, the mutated class's own tests first, then the fastest), cut after
 * {@value #MAX_TESTS_PROPERTY} of them (PIT's {@code pluginConfiguration}; 0 or absent:
 * no cut).
 *
 * <p>Why: nearly every handler test covers authentication, the service and the API
 * mapping, against moto, so a mutant that survives would otherwise meet some two thousand
 * tests (minutes each) before PIT gives up on it. The cut makes the score a lower bound:
 * a mutant that only a test beyond the cut would kill counts as surviving, never the
 * other way round.
 */
public final class CappedTestPrioritiserFactory implements TestPrioritiserFactory {
    public static final String MAX_TESTS_PROPERTY = "maxTestsPerMutant";

    private final TestPrioritiserFactory pitsOwn = new DefaultTestPrioritiserFactory();

    @Override
    public TestPrioritiser makeTestPrioritiser(Properties properties, CodeSource code, CoverageDatabase coverage) {
        return capped(pitsOwn.makeTestPrioritiser(properties, code, coverage), maxTests(properties));
    }

    static TestPrioritiser capped(TestPrioritiser prioritiser, int maxTests) {
        if (maxTests == 0) {
            return prioritiser;
        }
        return mutant -> {
            List<TestInfo> tests = prioritiser.assignTests(mutant);
            return tests.size() <= maxTests ? tests : List.copyOf(tests.subList(0, maxTests));
        };
    }

    static int maxTests(Properties properties) {
        String value = properties == null ? null : properties.getProperty(MAX_TESTS_PROPERTY);
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            int max = Integer.parseInt(value.strip());
            if (max >= 0) {
                return max;
            }
        } catch (NumberFormatException notANumber) {
            // refused below
        }
        throw new IllegalArgumentException(MAX_TESTS_PROPERTY + " must be a whole number, 0 for no cut: " + value);
    }

    @Override
    public String description() {
        return "Datamart API: PIT's test order, at most " + MAX_TESTS_PROPERTY + " tests a mutant";
    }
}
