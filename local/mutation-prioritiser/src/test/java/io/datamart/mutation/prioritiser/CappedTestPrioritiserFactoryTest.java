package io.datamart.mutation.prioritiser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.pitest.coverage.TestInfo;
import org.pitest.mutationtest.build.TestPrioritiser;
import org.junit.jupiter.api.Test;

class CappedTestPrioritiserFactoryTest {
    private static final List<TestInfo> ORDERED = List.of(test("own"), test("fastest"), test("next"), test("slow"));
    private static final TestPrioritiser PITS_OWN = mutant -> ORDERED;

    private static TestInfo test(String name) {
        return new TestInfo("Defining", name, 10, Optional.empty(), 1);
    }

    private static Properties cap(String value) {
        Properties properties = new Properties();
        properties.setProperty(CappedTestPrioritiserFactory.MAX_TESTS_PROPERTY, value);
        return properties;
    }

    @Test
    void keepsPitsOrderAndCutsAfterTheCap() {
        assertEquals(List.of("own", "fastest"), CappedTestPrioritiserFactory.capped(PITS_OWN, 2)
                .assignTests(null).stream().map(TestInfo::getName).toList());
        assertEquals(ORDERED, CappedTestPrioritiserFactory.capped(PITS_OWN, 4).assignTests(null));
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
