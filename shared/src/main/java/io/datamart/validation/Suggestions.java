package io.datamart.validation;

import java.util.Collection;
import java.util.Optional;

/** "Did you mean" for names a client got slightly wrong: {@code isHidden} for {@code isHide}. */
public final class Suggestions {
    private Suggestions() {
    }

    /**
     * The closest option: one equal but for case, one within a small edit distance, or
     * one the given name is the start of (or that is the start of it), such as
     * {@code tenant} for {@code tenant_id}.
     */
    public static Optional<String> closest(String given, Collection<String> options) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String option : options) {
            int distance = option.equalsIgnoreCase(given) ? 0
                    : isPrefixPair(given, option) ? 1
                    : distance(given, option);
            if (distance < bestDistance) {
                best = option;
                bestDistance = distance;
            }
        }
        int allowed = Math.max(1, Math.min(3, given.length() / 3));
        return bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    private static boolean isPrefixPair(String given, String option) {
        return Math.min(given.length(), option.length()) >= 4
                && (option.startsWith(given) || given.startsWith(option));
    }

    /** Levenshtein distance, stopping early on long inputs that cannot be close anyway. */
    static int distance(String a, String b) {
        if (Math.abs(a.length() - b.length()) > 3 || a.length() > 100 || b.length() > 100) {
            return Integer.MAX_VALUE;
        }
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
