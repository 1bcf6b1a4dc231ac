package io.datamart.mutation;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The floor of bin/mutation: reads PIT's {@code mutations.xml}, takes out the reviewed
 * equivalent mutants, prints the mutation score per package and fails when one is under
 * the floor. PIT's own threshold is one figure for the whole run; a package's weak tests
 * would hide behind another's strong ones.
 *
 * <p>An exclusion that matches no surviving mutant fails the run too: the code or the
 * tests changed, and the list must be reviewed again rather than silently keep excusing
 * whatever comes to match it.
 */
public final class MutationFloor {

    /** One mutant as PIT reports it. */
    record Mutant(String mutatedClass, String method, String mutator, String description, int line,
            boolean detected, String status) {
        String packageName() {
            return packageOf(mutatedClass);
        }

        String shortMutator() {
            return mutator.substring(mutator.lastIndexOf('.') + 1);
        }
    }

    /** One reviewed equivalent mutant: which, and why no test can tell it from the original. */
    record Exclusion(String mutatedClass, String method, String mutator, String description, String reason) {
        boolean matches(Mutant mutant) {
            return mutant.mutatedClass().equals(mutatedClass) && mutant.method().equals(method)
                    && mutant.shortMutator().equals(mutator) && mutant.description().equals(description);
        }

        String packageName() {
            return packageOf(mutatedClass);
        }

        @Override
        public String toString() {
            return mutatedClass + "." + method + " " + mutator + " \"" + description + "\"";
        }
    }

    /** A package's figures once the exclusions are out. */
    record Score(String packageName, int mutants, int detected, int excluded) {
        double percent() {
            return mutants == 0 ? 100.0 : 100.0 * detected / mutants;
        }
    }

    record Verdict(List<Score> scores, List<Mutant> survivors, List<Exclusion> unused, int floor) {
        boolean passed() {
            return unused.isEmpty() && scores.stream().allMatch(score -> score.percent() >= floor);
        }
    }

    private MutationFloor() {
    }

    private static String packageOf(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? "" : className.substring(0, dot);
    }

    /** {@code MutationFloor MUTATIONS_XML EXCLUSIONS_TSV FLOOR_PERCENT}: exit 0 at or above the floor everywhere. */
    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: MutationFloor MUTATIONS_XML EXCLUSIONS_TSV FLOOR_PERCENT");
            System.exit(2);
        }
        Verdict verdict = judge(readMutants(Path.of(args[0])), readExclusions(Path.of(args[1])),
                Integer.parseInt(args[2]));
        print(verdict, System.out);
        System.exit(verdict.passed() ? 0 : 1);
    }

    static Verdict judge(List<Mutant> mutants, List<Exclusion> exclusions, int floor) {
        Map<String, int[]> counts = new TreeMap<>();
        List<Mutant> survivors = new ArrayList<>();
        List<Exclusion> unused = new ArrayList<>(exclusions);
        for (Mutant mutant : mutants) {
            int[] count = counts.computeIfAbsent(mutant.packageName(), name -> new int[3]);
            Exclusion excusedBy = mutant.detected() ? null
                    : exclusions.stream().filter(exclusion -> exclusion.matches(mutant)).findFirst().orElse(null);
            if (excusedBy != null) {
                unused.remove(excusedBy);
                count[2]++;
                continue;
            }
            count[0]++;
            if (mutant.detected()) {
                count[1]++;
            } else {
                survivors.add(mutant);
            }
        }
        // A run narrowed to some packages (bin/mutation --changed) judges only their exclusions.
        unused.removeIf(exclusion -> !counts.containsKey(exclusion.packageName()));
        List<Score> scores = counts.entrySet().stream()
                .map(entry -> new Score(entry.getKey(), entry.getValue()[0], entry.getValue()[1], entry.getValue()[2]))
                .toList();
        return new Verdict(scores, survivors, unused, floor);
    }

    static void print(Verdict verdict, PrintStream out) {
        out.println();
        out.printf("%-28s %8s %8s %9s %7s%n", "package", "mutants", "killed", "excluded", "score");
        int mutants = 0;
        int detected = 0;
        for (Score score : verdict.scores()) {
            out.printf("%-28s %8d %8d %9d %6.1f%%%s%n", score.packageName(), score.mutants(), score.detected(),
                    score.excluded(), score.percent(), score.percent() < verdict.floor() ? "  < " + verdict.floor() + "%" : "");
            mutants += score.mutants();
            detected += score.detected();
        }
        out.printf("%-28s %8d %8d %9s %6.1f%%%n", "all", mutants, detected, "",
                mutants == 0 ? 100.0 : 100.0 * detected / mutants);
        if (!verdict.survivors().isEmpty()) {
            out.println();
            out.println("Not killed (" + verdict.survivors().size() + "):");
            verdict.survivors().forEach(mutant -> out.printf("  %s.%s line %d %s: %s (%s)%n", mutant.mutatedClass(),
                    mutant.method(), mutant.line(), mutant.shortMutator(), mutant.description(), mutant.status()));
        }
        if (!verdict.unused().isEmpty()) {
            out.println();
            out.println("Exclusions that match no surviving mutant (review and remove them):");
            verdict.unused().forEach(exclusion -> out.println("  " + exclusion));
        }
        out.println();
        out.println(verdict.passed() ? "Mutation floor of " + verdict.floor() + "% met in every package."
                : "Mutation floor of " + verdict.floor() + "% NOT met.");
    }

    static List<Mutant> readMutants(Path mutationsXml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            NodeList nodes = factory.newDocumentBuilder().parse(mutationsXml.toFile()).getElementsByTagName("mutation");
            List<Mutant> mutants = new ArrayList<>();
            for (int i = 0; i < nodes.getLength(); i++) {
                Element mutation = (Element) nodes.item(i);
                mutants.add(new Mutant(text(mutation, "mutatedClass"), text(mutation, "mutatedMethod"),
                        text(mutation, "mutator"), text(mutation, "description"),
                        Integer.parseInt(text(mutation, "lineNumber")),
                        Boolean.parseBoolean(mutation.getAttribute("detected")), mutation.getAttribute("status")));
            }
            return mutants;
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        } catch (ParserConfigurationException | SAXException malformed) {
            throw new IllegalStateException(mutationsXml + " is not PIT's mutations.xml", malformed);
        }
    }

    private static String text(Element parent, String tag) {
        NodeList found = parent.getElementsByTagName(tag);
        return found.getLength() == 0 ? "" : found.item(0).getTextContent().strip();
    }

    /**
     * The list: one exclusion a line, tab-separated class, method, mutator (PIT's short name),
     * description (as PIT words it) and the reason; {@code #} starts a comment line.
     */
    static List<Exclusion> readExclusions(Path tsv) {
        try {
            List<Exclusion> exclusions = new ArrayList<>();
            List<String> lines = Files.readAllLines(tsv);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] fields = line.split("\t");
                if (fields.length != 5 || fields[4].isBlank()) {
                    throw new IllegalStateException(tsv + " line " + (i + 1)
                            + ": expected class, method, mutator, description and reason, tab-separated");
                }
                exclusions.add(new Exclusion(fields[0].strip(), fields[1].strip(), fields[2].strip(),
                        fields[3].strip(), fields[4].strip()));
            }
            return exclusions;
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }
}
