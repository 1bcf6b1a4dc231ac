package io.datamart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.datamart.local.ProjectFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README.md and docs/*.md as a reader follows them: every relative link reaches a file of the
 * checkout, every {@code #anchor} a heading of its target file (by GitHub's anchor rules), no
 * link leaves the repository, and the README stays short.
 */
class DocsLinksTest {
    static final int README_MAX_LINES = 250;

    /** {@code [text](target)} or {@code ![alt](target "title")}: the target, without a title. */
    private static final Pattern INLINE_LINK = Pattern.compile("\\]\\(\\s*<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    /** {@code [label]: target}, a reference definition. */
    private static final Pattern REFERENCE_DEFINITION = Pattern.compile("^ {0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(\\s.*)?$");
    private static final Pattern ATX_HEADING = Pattern.compile("^ {0,3}(#{1,6})(?:[ \\t]+(.*?))?(?:[ \\t]+#+)?[ \\t]*$");
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");
    /** What GitHub turns into a link by itself (an autolink or a bare URL). */
    private static final Pattern BARE_URL = Pattern.compile("(?i)<[a-z][a-z0-9+.-]*:[^>\\s]*>|https?://|www\\.");

    @Test
    void everyLinkOfTheReadmeAndTheDocsResolvesInsideTheRepository() {
        Path root = ProjectFiles.root();
        List<Path> files = documents(root);
        assertTrue(files.contains(root.resolve("README.md")), "README.md is checked");
        assertTrue(files.size() > 1, () -> "docs/*.md are checked: " + files);
        assertEquals(List.of(), problems(root, files));
    }

    @Test
    void theReadmeIsAtMost250Lines() throws IOException {
        long lines = Files.readAllLines(ProjectFiles.root().resolve("README.md")).size();
        assertTrue(lines <= README_MAX_LINES, () -> "README.md has " + lines + " lines; at most "
                + README_MAX_LINES + ": move the rest into docs/ and link it");
    }

    @Test
    void anchorsFollowGitHubsRules() {
        assertEquals("operating-binadmin", anchor("Operating: `bin/admin`"));
        assertEquals("performance-binbench", anchor("Performance (`bin/bench`)"));
        assertEquals("schema-aware-validation-the-datasource-catalog",
                anchor("Schema-aware validation (the datasource catalog)"));
        assertEquals("bininvoke-sam-local-invoke-without-a-container",
                anchor("`bin/invoke`: `sam local invoke` without a container"));
        assertEquals("logs-metrics-and-alarms", anchor("Logs, metrics and alarms"));
        assertEquals("snake_case-and-kebab-case", anchor("snake_case and kebab-case"));
        assertEquals("the-guide", anchor("The [guide](docs/guide.md)"));
        assertEquals(List.of("faq", "faq-1", "faq-2"), anchors(List.of("# FAQ", "## FAQ", "### FAQ")));
    }

    /** The checker itself: each kind of broken link is reported, and a sound one is not. */
    @Test
    void reportsEveryKindOfBrokenLink(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("README.md"), String.join("\n",
                "# Project", "", "## Good one", "",
                "[fine](docs/guide.md#setting-up) [fine too](#good-one) [a file](docs/guide.md)",
                "[no such file](docs/missing.md)",
                "[no such heading](docs/guide.md#tearing-down)",
                "[no such heading here](#bad-one)",
                "[outside](../elsewhere/README.md)",
                "[absolute](/etc/hosts)",
                "[the web](https://example.com/)",
                "see https://example.com/ too",
                "`[in code](docs/missing.md)` is not a link",
                "```", "[in a fence](docs/missing.md)", "```", ""));
        Files.writeString(root.resolve("docs/guide.md"), String.join("\n",
                "# Guide", "", "## Setting up", "", "[back](../README.md#good-one) [wrong way](README.md)", ""));
        List<String> problems = problems(root, documents(root));
        List<String> expected = List.of(
                "README.md:6: docs/missing.md: no such file",
                "README.md:7: docs/guide.md#tearing-down: no heading of docs/guide.md makes #tearing-down",
                "README.md:8: #bad-one: no heading of README.md makes #bad-one",
                "README.md:9: ../elsewhere/README.md: outside the repository",
                "README.md:10: /etc/hosts: outside the repository",
                "README.md:11: https://example.com/: outside the repository",
                "README.md:12: a bare URL links outside the repository",
                "docs/guide.md:5: README.md: no such file");
        assertEquals(expected, problems);
    }

    // ---------------------------------------------------------------------------------------------

    static List<Path> documents(Path root) {
        List<Path> files = new ArrayList<>();
        files.add(root.resolve("README.md"));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(path -> path.getFileName().toString().endsWith(".md")).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /** Every problem, as {@code file:line: target: what is wrong}. */
    static List<String> problems(Path root, List<Path> files) {
        List<String> problems = new ArrayList<>();
        Map<Path, Set<String>> anchorsByFile = new HashMap<>();
        for (Path file : files) {
            String name = root.relativize(file).toString().replace('\\', '/');
            List<String> lines = read(file);
            boolean fenced = false;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (FENCE.matcher(line).find()) {
                    fenced = !fenced;
                    continue;
                }
                if (fenced) {
                    continue;
                }
                String text = CODE_SPAN.matcher(line).replaceAll("");
                String where = name + ":" + (i + 1) + ": ";
                List<String> targets = new ArrayList<>();
                Matcher inline = INLINE_LINK.matcher(text);
                while (inline.find()) {
                    targets.add(inline.group(1));
                }
                Matcher definition = REFERENCE_DEFINITION.matcher(text);
                if (definition.matches()) {
                    targets.add(definition.group(1));
                }
                for (String target : targets) {
                    String problem = problem(root, file, target, anchorsByFile);
                    if (problem != null) {
                        problems.add(where + target + ": " + problem);
                    }
                }
                if (BARE_URL.matcher(INLINE_LINK.matcher(text).replaceAll("]()")).find()) {
                    problems.add(where + "a bare URL links outside the repository");
                }
            }
        }
        return problems;
    }

    private static String problem(Path root, Path from, String target, Map<Path, Set<String>> anchorsByFile) {
        if (target.isEmpty() || SCHEME.matcher(target).find() || target.startsWith("/")) {
            return target.isEmpty() ? "an empty link" : "outside the repository";
        }
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        String fragment = hash < 0 ? null : target.substring(hash + 1);
        Path resolved = path.isEmpty() ? from : from.getParent().resolve(path).normalize();
        if (!resolved.startsWith(root.normalize())) {
            return "outside the repository";
        }
        if (!Files.exists(resolved)) {
            return "no such file";
        }
        if (fragment == null) {
            return null;
        }
        if (!resolved.getFileName().toString().endsWith(".md")) {
            return "an anchor into a file that is not Markdown";
        }
        Set<String> anchors = anchorsByFile.computeIfAbsent(resolved, file -> new LinkedHashSet<>(anchors(read(file))));
        return anchors.contains(fragment) ? null
                : "no heading of " + root.relativize(resolved).toString().replace('\\', '/') + " makes #" + fragment;
    }

    /** The anchors of a Markdown file's headings, outside code fences; a repeated one gets -1, -2, ... */
    static List<String> anchors(List<String> lines) {
        List<String> anchors = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fenced = false;
        for (String line : lines) {
            if (FENCE.matcher(line).find()) {
                fenced = !fenced;
                continue;
            }
            Matcher heading = ATX_HEADING.matcher(line);
            if (fenced || !heading.matches()) {
                continue;
            }
            String base = anchor(heading.group(2) == null ? "" : heading.group(2));
            int count = seen.merge(base, 1, Integer::sum) - 1;
            anchors.add(count == 0 ? base : base + "-" + count);
        }
        return anchors;
    }

    /**
     * GitHub's anchor for a heading: its text as rendered (a link's text, not its target),
     * lowercased, every character but letters, digits, spaces, '-' and '_' removed, spaces to '-'.
     */
    static String anchor(String heading) {
        String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1").strip().toLowerCase(Locale.ROOT);
        StringBuilder anchor = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                anchor.appendCodePoint(c);
            } else if (c == ' ') {
                anchor.append('-');
            }
        });
        return anchor.toString();
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
