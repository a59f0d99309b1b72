package io.dnsprobe.cli;

import io.dnsprobe.libc.Verdict;
import io.dnsprobe.report.ProbeReport;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Renders reports as kubectl renders resources: an aligned table, then details for what needs attention. */
final class ReportTable {
    private ReportTable() {
    }

    static void print(List<ProbeReport> reports, PrintWriter out) {
        List<String[]> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("NAME", "SERVER", "UDP", "TCP", "TC", "KEPT"));
        if (!reports.isEmpty()) {
            for (Verdict v : reports.get(0).verdicts()) {
                header.add(v.displayName().toUpperCase().replace(" <= ", "<=").replace(" >= ", ">=").replace(' ', '-'));
            }
        }
        rows.add(header.toArray(String[]::new));
        for (ProbeReport r : reports) {
            List<String> row = new ArrayList<>();
            row.add(r.name());
            row.add(r.server());
            row.add(bytes(r.udpBytes()));
            row.add(bytes(r.tcpBytes()));
            row.add(r.truncated().isEmpty() ? "-" : String.join("+", r.truncated()));
            row.add(r.kept().isEmpty() ? "-" : r.kept().stream().map(Object::toString).collect(java.util.stream.Collectors.joining(",")));
            for (Verdict v : r.verdicts()) {
                row.add(!v.model().isMusl() ? v.resolution().summary() : v.kind().name());
            }
            rows.add(row.toArray(String[]::new));
        }
        printAligned(rows, out);
        boolean first = true;
        for (ProbeReport r : reports) {
            List<Verdict> problems = r.verdicts().stream().filter(v -> v.kind().isProblem()).toList();
            if (problems.isEmpty() && r.unreachable() == null) {
                continue;
            }
            if (first) {
                out.println();
                first = false;
            }
            out.println(r.name() + " @" + r.server() + (r.candidate().equals(r.name()) ? "" : " (answered as " + r.candidate() + ")"));
            if (r.unreachable() != null) {
                out.println("  no reply at all: " + r.unreachable());
            }
            for (Verdict v : problems) {
                out.printf("  %-14s %-8s %s%n", v.displayName(), v.kind(), v.reason());
            }
        }
        out.flush();
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
