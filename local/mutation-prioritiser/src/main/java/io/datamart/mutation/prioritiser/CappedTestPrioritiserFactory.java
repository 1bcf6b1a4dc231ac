package io.datamart.mutation.prioritiser;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.pitest.classinfo.ClassName;
import org.pitest.classpath.CodeSource;
import org.pitest.coverage.CoverageDatabase;
import org.pitest.coverage.TestInfo;
import org.pitest.mutationtest.build.DefaultTestPrioritiserFactory;
import org.pitest.mutationtest.build.TestPrioritiser;
import org.pitest.mutationtest.build.TestPrioritiserFactory;

/**
 * PIT's own choice and order of the tests to run against a mutant (the tests that cover
 * it, sorted by time with a bonus for the mutated class's own tests), cut after
 * {@value #MAX_TESTS_PROPERTY} of them (PIT's {@code pluginConfiguration}; 0 or absent:
 * no cut), and then every covering test of the class's own test class ({@code <Class>Test}
 * of the outermost class, its nested classes included) that the cut left out.
 *
 * <p>Why the cut: nearly every handler test covers authentication, the service and the
 * API mapping, against moto, so a mutant that survives would otherwise meet some two
 * thousand tests (minutes each) before PIT gives up on it. The cut makes the score a lower
 * bound: a mutant that only a test beyond the cut would kill counts as surviving, never
 * the other way round.
 *
 * <p>Why the class's own tests are never cut: they are the tests written for its rules,
 * and where they are many (a repository's, against moto) PIT's bonus for them is smaller
 * than their spread in time, so the cut used to fall among them and drop the one test of
 * a boundary; PIT gives no bonus at all to an inner class's or a nested test class's.
 * They are one class's tests, not the suite's, so the cost stays bounded as with the cut alone.
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
            if (tests.size() <= maxTests) {
                return tests;
            }
            String ownTests = ownTestClass(mutant.getClassName());
            List<TestInfo> chosen = new ArrayList<>(tests.subList(0, maxTests));
            tests.subList(maxTests, tests.size()).stream()
                    .filter(test -> isDefinedIn(test, ownTests))
                    .forEach(chosen::add);
            return List.copyOf(chosen);
        };
    }

    /** {@code a.b.Outer$Inner} is tested by {@code a.b.OuterTest}. */
    static String ownTestClass(ClassName mutated) {
        String name = mutated.asJavaName();
        int inner = name.indexOf('$');
        return (inner < 0 ? name : name.substring(0, inner)) + "Test";
    }

    private static boolean isDefinedIn(TestInfo test, String testClass) {
        String defining = TestInfo.toDefiningClassName().apply(test).asJavaName();
        return defining.equals(testClass) || defining.startsWith(testClass + "$");
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
        return "Datamart API: PIT's test order, at most " + MAX_TESTS_PROPERTY
                + " tests a mutant, and every one of the mutated class's own tests";
    }
}
