package io.datamart.mutation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.datamart.mutation.MutationFloor.Exclusion;
import io.datamart.mutation.MutationFloor.Mutant;
import io.datamart.mutation.MutationFloor.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MutationFloorTest {
    private static final String XML = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <mutations partial="true">
            <mutation detected='true' status='KILLED' numberOfTestsRun='2'><sourceFile>A.java</sourceFile><mutatedClass>io.datamart.auth.A</mutatedClass><mutatedMethod>check</mutatedMethod><methodDescription>()Z</methodDescription><lineNumber>10</lineNumber><mutator>org.pitest.mutationtest.engine.gregor.mutators.returns.BooleanTrueReturnValsMutator</mutator><indexes><index>5</index></indexes><blocks><block>1</block></blocks><killingTest>t</killingTest><description>replaced boolean return with true for io/datamart/auth/A::check</description></mutation>
            <mutation detected='false' status='SURVIVED' numberOfTestsRun='3'><sourceFile>A.java</sourceFile><mutatedClass>io.datamart.auth.A</mutatedClass><mutatedMethod>size</mutatedMethod><methodDescription>()I</methodDescription><lineNumber>20</lineNumber><mutator>org.pitest.mutationtest.engine.gregor.mutators.ConditionalsBoundaryMutator</mutator><indexes><index>7</index></indexes><blocks><block>2</block></blocks><killingTest/><description>changed conditional boundary</description></mutation>
            <mutation detected='true' status='TIMED_OUT' numberOfTestsRun='1'><sourceFile>B.java</sourceFile><mutatedClass>io.datamart.api.B</mutatedClass><mutatedMethod>loop</mutatedMethod><methodDescription>()V</methodDescription><lineNumber>3</lineNumber><mutator>org.pitest.mutationtest.engine.gregor.mutators.MathMutator</mutator><indexes><index>1</index></indexes><blocks><block>1</block></blocks><killingTest/><description>Replaced integer addition with subtraction</description></mutation>
            <mutation detected='false' status='NO_COVERAGE' numberOfTestsRun='0'><sourceFile>B.java</sourceFile><mutatedClass>io.datamart.api.B</mutatedClass><mutatedMethod>never</mutatedMethod><methodDescription>()V</methodDescription><lineNumber>9</lineNumber><mutator>org.pitest.mutationtest.engine.gregor.mutators.VoidMethodCallMutator</mutator><indexes><index>1</index></indexes><blocks><block>1</block></blocks><killingTest/><description>removed call to B::x</description></mutation>
            </mutations>
            """;

    private static List<Mutant> mutants(Path dir) throws IOException {
        Path xml = dir.resolve("mutations.xml");
        Files.writeString(xml, XML);
        return MutationFloor.readMutants(xml);
    }

    private static String printed(Verdict verdict) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MutationFloor.print(verdict, new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void scoresEachPackageAsDetectedOverAllItsMutants(@TempDir Path dir) throws IOException {
        Verdict verdict = MutationFloor.judge(mutants(dir), List.of(), 50);

        assertEquals(List.of("io.datamart.api", "io.datamart.auth"),
                verdict.scores().stream().map(MutationFloor.Score::packageName).toList());
        assertEquals(50.0, verdict.scores().get(0).percent(), "a timeout counts as detected; no coverage does not");
        assertEquals(50.0, verdict.scores().get(1).percent());
        assertTrue(verdict.passed(), "50% meets a floor of 50%");
        assertFalse(MutationFloor.judge(mutants(dir), List.of(), 51).passed());
        assertTrue(printed(verdict).contains("io.datamart.auth.A.size line 20 ConditionalsBoundaryMutator: "
                + "changed conditional boundary (SURVIVED)"), printed(verdict));
    }

    @Test
    void aReviewedEquivalentMutantLeavesTheCountAndTheListOfSurvivors(@TempDir Path dir) throws IOException {
        Exclusion equivalent = new Exclusion("io.datamart.auth.A", "size", "ConditionalsBoundaryMutator",
                "changed conditional boundary", "the cap is cleared whether it is hit at 1,000 or 1,001");

        Verdict verdict = MutationFloor.judge(mutants(dir), List.of(equivalent), 100);

        MutationFloor.Score auth = verdict.scores().get(1);
        assertEquals(1, auth.mutants());
        assertEquals(1, auth.excluded());
        assertEquals(100.0, auth.percent());
        assertFalse(verdict.passed(), "io.datamart.api is still at 50%");
        assertEquals(List.of("never"), verdict.survivors().stream().map(Mutant::method).toList());
    }

    @Test
    void anExclusionThatNoLongerMatchesASurvivorFailsTheRun(@TempDir Path dir) throws IOException {
        Exclusion killedMeanwhile = new Exclusion("io.datamart.auth.A", "check", "BooleanTrueReturnValsMutator",
                "replaced boolean return with true for io/datamart/auth/A::check", "was equivalent");
        Exclusion otherPackage = new Exclusion("io.datamart.service.S", "run", "MathMutator", "x", "not in this run");

        Verdict verdict = MutationFloor.judge(mutants(dir), List.of(killedMeanwhile, otherPackage), 0);

        assertEquals(List.of(killedMeanwhile), verdict.unused(), "a package outside the run is not judged");
        assertFalse(verdict.passed());
        assertTrue(printed(verdict).contains("match no surviving mutant"));
    }

    @Test
    void readsTheTabSeparatedListAndRefusesALineWithoutAReason(@TempDir Path dir) throws IOException {
        Path good = dir.resolve("good.tsv");
        Files.writeString(good, "# comment\n\nio.datamart.auth.A\tsize\tMathMutator\tdesc\twhy\n");
        Path bad = dir.resolve("bad.tsv");
        Files.writeString(bad, "io.datamart.auth.A\tsize\tMathMutator\tdesc\t \n");

        assertEquals(List.of(new Exclusion("io.datamart.auth.A", "size", "MathMutator", "desc", "why")),
                MutationFloor.readExclusions(good));
        assertThrows(IllegalStateException.class, () -> MutationFloor.readExclusions(bad));
    }
}
