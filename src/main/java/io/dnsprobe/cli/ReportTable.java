package io.dnsprobe.cli;

import io.dnsprobe.libc.LibcModel;
import io.dnsprobe.libc.LibcModels;
import io.dnsprobe.libc.Verdict;
import io.dnsprobe.report.ProbeReport;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Renders reports as kubectl renders resources: an aligned table, then details for what needs attention. */
final class ReportTable {
    private ReportTable() {}

    static void print(List<ProbeReport> reports, PrintWriter out) {
        List<String[]> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("NAME", "SERVER", "UDP", "TCP", "TC", "KEPT"));
        for (LibcModel m : LibcModels.ALL) {
            header.add(m.displayName()
                    .toUpperCase()
                    .replace(" <= ", "<=")
                    .replace(" >= ", ">=")
                    .replace(' ', '-'));
        }
        rows.add(header.toArray(String[]::new));
        for (ProbeReport r : reports) {
            List<String> row = new ArrayList<>();
            row.add(r.name());
            row.add(r.server());
            row.add(bytes(r.udpBytes()));
            row.add(bytes(r.tcpBytes()));
            row.add(r.truncated().isEmpty() ? "-" : String.join("+", r.truncated()));
            row.add(
                    r.kept().isEmpty()
                            ? "-"
                            : r.kept().stream()
                                    .map(Object::toString)
                                    .collect(java.util.stream.Collectors.joining(",")));
            if (r.verdicts() == null) {
                // No reply: nothing to judge, and no model may read as OK. Why follows the table.
                LibcModels.ALL.forEach(m -> row.add("-"));
            } else {
                for (Verdict v : r.verdicts()) {
                    row.add(cell(v, r));
                }
            }
            rows.add(row.toArray(String[]::new));
        }
        printAligned(rows, out);
        boolean first = true;
        for (ProbeReport r : reports) {
            List<Verdict> problems = r.verdicts() == null
                    ? List.of()
                    : r.verdicts().stream().filter(v -> v.kind().isProblem()).toList();
            if (problems.isEmpty() && r.error() == null) {
                continue;
            }
            if (first) {
                out.println();
                first = false;
            }
            out.println(r.name() + " @" + r.server()
                    + (r.candidate().equals(r.name()) ? "" : " (answered as " + r.candidate() + ")"));
            if (r.unreachable() != null) {
                out.println("  no reply at all: " + r.unreachable());
            } else if (r.error() != null) {
                out.println("  " + r.error());
            }
            for (Verdict v : problems) {
                out.printf("  %-14s %-8s %s%n", v.displayName(), v.kind(), v.reason());
            }
        }
        out.flush();
    }

    /**
     * A verdict as the table shows it: musl's against glibc's (OK, PARTIAL, FAILS), glibc's result itself; and
     * where glibc does not resolve the name either, each libc's own result (EAI_NONAME for a name that does not
     * exist), since "OK" there would read as "resolves".
     */
    private static String cell(Verdict v, ProbeReport r) {
        if (!v.model().isMusl()
                || r.verdicts().get(r.verdicts().size() - 1).resolution().error() != null) {
            return v.resolution().summary();
        }
        return v.kind().name();
    }

    private static String bytes(int n) {
        return n < 0 ? "-" : n + "B";
    }

    private static void printAligned(List<String[]> rows, PrintWriter out) {
        int columns = rows.get(0).length;
        int[] width = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(row[i]);
                if (i < columns - 1) {
                    line.append(" ".repeat(width[i] - row[i].length() + 3));
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
