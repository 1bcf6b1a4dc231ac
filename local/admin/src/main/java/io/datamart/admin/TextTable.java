package io.datamart.admin;

import java.io.PrintStream;
import java.util.List;

/** Left-aligned columns, two spaces apart, a header line first: easy to read, easy to awk. */
final class TextTable {
    private TextTable() {
    }

    static void print(PrintStream out, List<String> header, List<List<String>> rows) {
        int[] widths = new int[header.size()];
        for (List<String> row : concat(header, rows)) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : concat(header, rows)) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(i == row.size() - 1 ? row.get(i) : String.format("%-" + widths[i] + "s  ", row.get(i)));
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }

    private static List<List<String>> concat(List<String> header, List<List<String>> rows) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(header), rows.stream()).toList();
    }
}
