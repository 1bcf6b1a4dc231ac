package io.datamart.mutation.prioritiser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.pitest.classinfo.ClassName;
import org.pitest.coverage.TestInfo;
import org.pitest.mutationtest.build.TestPrioritiser;
import org.pitest.mutationtest.engine.Location;
import org.pitest.mutationtest.engine.MutationDetails;
import org.pitest.mutationtest.engine.MutationIdentifier;
import org.junit.jupiter.api.Test;

class CappedTestPrioritiserFactoryTest {
    private static final List<TestInfo> ORDERED = List.of(test("own"), test("fastest"), test("next"), test("slow"));
    private static final TestPrioritiser PITS_OWN = mutant -> ORDERED;
    private static final MutationDetails OF_OTHER_CLASS = mutantOf("a.b.Elsewhere");

    private static TestInfo test(String name) {
        return test("a.b.SomeTest", name);
    }

    private static TestInfo test(String definingClass, String name) {
        return new TestInfo(definingClass, name, 10, Optional.empty(), 1);
    }

    private static MutationDetails mutantOf(String className) {
        ClassName mutated = ClassName.fromString(className);
        return new MutationDetails(new MutationIdentifier(Location.location(mutated, "rule", "()V"), 0, "mutator"),
                "File.java", "changed", 12, 0);
    }

    private static List<String> names(List<TestInfo> tests) {
        return tests.stream().map(TestInfo::getName).toList();
    }

    private static Properties cap(String value) {
        Properties properties = new Properties();
        properties.setProperty(CappedTestPrioritiserFactory.MAX_TESTS_PROPERTY, value);
        return properties;
    }

    @Test
    void keepsPitsOrderAndCutsAfterTheCap() {
        assertEquals(List.of("own", "fastest"),
                names(CappedTestPrioritiserFactory.capped(PITS_OWN, 2).assignTests(OF_OTHER_CLASS)));
        assertEquals(ORDERED, CappedTestPrioritiserFactory.capped(PITS_OWN, 4).assignTests(OF_OTHER_CLASS));
    }

    @Test
    void addsEveryTestOfTheMutatedClassesOwnTestClassThatTheCutLeftOut() {
        TestPrioritiser pits = mutant -> List.of(test("a.b.FastTest", "fast"), test("a.b.RuleTest", "first own"),
                test("a.b.OtherTest", "beyond the cut"), test("a.b.RuleTest", "slow own"),
                test("a.b.RuleTest$Boundaries", "nested own"), test("a.b.RuleTests", "another class"),
                test("a.RuleTest", "another package"));

        assertEquals(List.of("fast", "first own", "slow own", "nested own"),
                names(CappedTestPrioritiserFactory.capped(pits, 2).assignTests(mutantOf("a.b.Rule"))));
        assertEquals(List.of("fast", "first own", "slow own", "nested own"),
                names(CappedTestPrioritiserFactory.capped(pits, 2).assignTests(mutantOf("a.b.Rule$Inner"))),
                "an inner class is tested by its outermost class's test class");
        assertEquals(List.of("fast", "first own"),
                names(CappedTestPrioritiserFactory.capped(pits, 2).assignTests(mutantOf("a.b.Elsewhere"))));
    }

    @Test
    void namesTheOutermostClassesTestClassAsTheOwnTests() {
        assertEquals("a.b.RuleTest", CappedTestPrioritiserFactory.ownTestClass(ClassName.fromString("a.b.Rule")));
        assertEquals("a.b.RuleTest",
                CappedTestPrioritiserFactory.ownTestClass(ClassName.fromString("a.b.Rule$Walk$1")));
        assertEquals("a.b.RuleTest", CappedTestPrioritiserFactory.ownTestClass(ClassName.fromString("a/b/Rule")));
    }

    @Test
    void zeroOrNoSettingLeavesPitsChoiceWhole() {
        assertSame(PITS_OWN, CappedTestPrioritiserFactory.capped(PITS_OWN, 0));
        assertEquals(0, CappedTestPrioritiserFactory.maxTests(new Properties()));
        assertEquals(0, CappedTestPrioritiserFactory.maxTests(null));
        assertEquals(25, CappedTestPrioritiserFactory.maxTests(cap(" 25 ")));
    }

    @Test
    void refusesACapThatIsNotAWholeNumber() {
        assertThrows(IllegalArgumentException.class, () -> CappedTestPrioritiserFactory.maxTests(cap("-1")));
        assertThrows(IllegalArgumentException.class, () -> CappedTestPrioritiserFactory.maxTests(cap("many")));
    }
}
